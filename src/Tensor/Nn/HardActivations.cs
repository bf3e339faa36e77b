namespace Bridge.Nn;

public static partial class Functional
{
    /// <summary>
    /// x·min(max(x + 3, 0), 6)/6 (torch.nn.functional.hardswish). On the CPU torch 1.13's kernels, bit for bit; its
    /// gradient is 0 below −3, ∂y·(x/3 + ½) up to 3 and ∂y above.
    /// </summary>
    public static Tensor Hardswish(Tensor input)
    {
        RequireFloat(input, "hardswish");
        return Unary(input, "HardswishBackward0",
            x => ExactActivation(Backends.Cpu.Activation.Hardswish, x) ?? x * (x + 3.0).Clamp(0.0, 6.0) / 6.0,
            (g, x) => ExactActivationBackward(Backends.Cpu.Activation.Hardswish, g, x)
                ?? Tensor.Where(x < -3.0, 0.0, Tensor.Where(x <= 3.0, g * (x / 3.0 + 0.5), g)));
    }

    /// <summary>
    /// min(max(x + 3, 0), 6)/6 (torch.nn.functional.hardsigmoid). On the CPU torch 1.13's kernels, bit for bit; its
    /// gradient is ∂y/6 strictly between −3 and 3, else 0.
    /// </summary>
    public static Tensor Hardsigmoid(Tensor input)
    {
        RequireFloat(input, "hardsigmoid");
        return Unary(input, "HardsigmoidBackward0",
            x => ExactActivation(Backends.Cpu.Activation.Hardsigmoid, x) ?? (x + 3.0).Clamp(0.0, 6.0) / 6.0,
            (g, x) => ExactActivationBackward(Backends.Cpu.Activation.Hardsigmoid, g, x)
                ?? Tensor.Where((x > -3.0) & (x < 3.0), g * (double)(1f / 6f), 0.0));
    }

    /// <summary>torch's kernels dispatch floating types only: others fail as its "not implemented for" error.</summary>
    static void RequireFloat(Tensor input, string op)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.DType.IsFloatingPoint())
            throw new InvalidOperationException($"\"{op}_cpu\" not implemented for '{input.DType.ScalarTypeName()}'");
    }
}

/// <summary>x·min(max(x + 3, 0), 6)/6, elementwise (torch.nn.Hardswish).</summary>
public sealed class Hardswish : Module
{
    /// <summary>Applies <see cref="Functional.Hardswish"/>.</summary>
    public override Tensor Forward(Tensor input) => Functional.Hardswish(input);
}

/// <summary>min(max(x + 3, 0), 6)/6, elementwise (torch.nn.Hardsigmoid).</summary>
public sealed class Hardsigmoid : Module
{
    /// <summary>Applies <see cref="Functional.Hardsigmoid"/>.</summary>
    public override Tensor Forward(Tensor input) => Functional.Hardsigmoid(input);
}
