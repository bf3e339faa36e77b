using Bridge;
using Bridge.Io;
using Bridge.Nn;
using Bridge.Optim;

Torch.ManualSeed(7);                            // PyTorch's generator, bit for bit
var net = new Net();
var loss = new MSELoss().Forward(net.Forward(Torch.Tensor(new[] { 0.8 })), Torch.Tensor(new[] { 1.0 }));
net.ZeroGrad();
loss.Backward();
new SGD(net.Parameters(), lr: 0.1).Step();
Console.WriteLine(net);                         // Net(\n  (hidden_layer): Linear(in_features=1, ...
Console.WriteLine(net.HiddenLayer.Weight);      // tensor([[...]], requires_grad=True)

var w = Torch.Tensor(new[,] { { 0.1, 0.3 } }, requiresGrad: true);
(w * w).Sum().Backward();                       // w.Grad = 2w
using (Torch.NoGrad()) w -= 0.01 * w.Grad!;     // C# 14 compound operators update in place, as in Python
Console.WriteLine(w);

TensorFile.Save("net.safetensors", net.StateDict());           // also .npz; .npy for one tensor
net.LoadStateDict(TensorFile.Load("net.safetensors"));         // or np.savez(path, **model.state_dict())
using (var shared = SharedTensor.Create("readme_frames", [1024, 1024], DType.Float32, overwrite: true))
{                                               // /dev/shm/readme_frames, a .npy that NumPy maps too
    shared.Tensor.Fill_(1);
    Console.WriteLine(shared.Tensor.Sum());     // tensor(1048576.)
    if (Cuda.IsAvailable) Console.WriteLine(shared.Tensor.Cuda().Sum());   // same ops and autograd on cuda:0
}
SharedTensor.Unlink("readme_frames");

sealed class Net : Module
{
    public Linear HiddenLayer = new(1, 1);      // registered as "hidden_layer", like the PyTorch model
    public Linear OutputLayer = new(1, 1);
    public override Tensor Forward(Tensor x) => Torch.Sigmoid(OutputLayer.Forward(Torch.Sigmoid(HiddenLayer.Forward(x))));
}
