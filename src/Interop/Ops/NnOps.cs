using Bridge.Nn;

namespace Bridge.Interop;

// torch.nn / torch.nn.functional / torch.optim pieces whose numerics live in the engine (init draws,
// losses, optimizer updates), so Python gets the same bits as C#.
static partial class OpTable
{
    static void RegisterNn()
    {
        Add("linear_init", a =>
        {
            var layer = new Linear(a.Int(0), a.Int(1), a.Bool(2), a.DType(3));
            return Results.Tensors(layer.Weight, layer.Bias);
        });
        Add("parameter", a => T(Module.Parameter(a.Tensor(0), a.Bool(1, true))));
        Add("linear", a => T(Functional.Linear(a.Tensor(0), a.Tensor(1), a.OptionalTensor(2))));
        Add("dropout", a => T(Functional.Dropout(a.Tensor(0), a.Double(1), a.Bool(2))));
        Add("mse_loss", a => T(Tensor.MseLoss(a.Tensor(0), a.Tensor(1), Reduction(a, 2))));
        Add("cross_entropy", a => T(Tensor.CrossEntropy(a.Tensor(0), a.Tensor(1), Reduction(a, 2))));
        Add("nll_loss", a => T(Tensor.NllLoss(a.Tensor(0), a.Tensor(1), Reduction(a, 2))));

    }

    static Reduction Reduction(Args a, int i) => a.IsNone(i) ? Bridge.Reduction.Mean : a.String(i) switch
    {
        "mean" => Bridge.Reduction.Mean,
        "sum" => Bridge.Reduction.Sum,
        "none" => Bridge.Reduction.None,
        var other => throw new ArgumentException($"{other} is not a valid value for reduction"),
    };
}
