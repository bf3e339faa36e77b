// A C# training loop (Bridge autograd) whose metric is computed by Python on the live tensors.
// The Tensor codec hands each Tensor to Python as an ndarray over the same memory: no copy per call.
using Bridge;
using Bridge.Nn;
using Bridge.Optim;
using Bridge.Python;
using Python.Runtime;

int steps = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 600;
PyBridge.Initialize(); // Debian's libpython3.11, or PYTHONNET_PYDLL

Torch.ManualSeed(0);
var x = Torch.Linspace(-3, 3, 256).Reshape(256, 1);
var y = x * x / 3.0 - x.Tanh(); // a smooth curve to fit
var model = new Sequential(new Linear(1, 32), new Tanh(), new Linear(32, 1));
var optimizer = new Adam(model.Parameters(), lr: 0.01);
var weight = ((Linear)model[0]).Weight;

PyObject describe;
using (Py.GIL())
{
    using var sys = Py.Import("sys");
    using var path = sys.GetAttr("path");
    path.InvokeMethod("insert", new PyInt(0), new PyString(AppContext.BaseDirectory)).Dispose();
    using var metric = Py.Import("metric");
    describe = metric.GetAttr("describe");
}

for (int step = 1; step <= steps; step++)
{
    optimizer.ZeroGrad();
    var prediction = model.Forward(x);
    var loss = Functional.MseLoss(prediction, y);
    loss.Backward();
    optimizer.Step();
    if (step % 100 == 0 || step == 1)
    {
        using (Py.GIL())
        {
            // Tensors go in as they are: the codec passes ndarray views (detached where they require grad).
            using var line = describe.Invoke(new PyInt(step), prediction.ToPython(), y.ToPython(), weight.ToPython());
            Console.WriteLine(line.As<string>());
        }
    }
}
using (Py.GIL()) describe.Dispose();
