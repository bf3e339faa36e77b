using Bridge;
using Bridge.Nn;

namespace PortAModel;

/// <summary>
/// The C# port of model.py's TinyClassifier. Field names become torch's attribute names (<c>_embed</c> → <c>embed</c>),
/// so the PyTorch state dict loads as is and the recorder's names line up; <c>Call</c> (torch's <c>module(x)</c>) runs
/// the recorder's hooks.
/// </summary>
public sealed class TinyClassifier : Module
{
    readonly Linear _embed = new(4, 16);
    readonly Tanh _act1 = new();
    readonly Module _hidden;
    readonly ReLU _act2 = new();
    readonly Linear _head = new(16, 3);

    /// <param name="broken">Use the deliberately wrong port of <c>hidden</c> (<see cref="LinearWithoutBias"/>): the diff must pin it.</param>
    public TinyClassifier(bool broken = false) => _hidden = broken ? new LinearWithoutBias(16, 16) : new Linear(16, 16);

    public override Tensor Forward(Tensor input) => _head.Call(_act2.Call(_hidden.Call(_act1.Call(_embed.Call(input)))));
}

/// <summary>
/// A porting bug of the kind that passes review: a hand-written linear layer that has a bias, loads it, trains it, and
/// forgets to add it in Forward. Everything upstream of it agrees; from <c>forward/hidden</c> on, nothing does.
/// </summary>
public sealed class LinearWithoutBias(int inFeatures, int outFeatures) : Module
{
    public Tensor Weight { get; } = Parameter(Torch.Zeros(outFeatures, inFeatures));
    public Tensor Bias { get; } = Parameter(Torch.Zeros(outFeatures));

    public override Tensor Forward(Tensor input) => input.MatMul(Weight.T()); // BUG: + Bias
}
