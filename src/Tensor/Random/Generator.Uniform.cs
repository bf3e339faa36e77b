using System.Numerics;

namespace Bridge.Random;

/// <summary>Uniform draws: <c>torch.rand</c> and <c>Tensor.uniform_(from, to)</c>.</summary>
public sealed partial class Generator
{
    /// <summary>Fills with U[0, 1) like <c>torch.rand</c>.</summary>
    public void FillUniform<T>(Span<T> dst) where T : IBinaryFloatingPointIeee754<T> => FillUniform(dst, 0.0, 1.0);

    /// <summary>
    /// Fills with U[from, to) like <c>uniform_(from, to)</c>: bounds are checked in double, then cast to
    /// <typeparamref name="T"/> before the draw (as ATen's <c>uniform_kernel</c> does), one draw per element in order.
    /// </summary>
    public void FillUniform<T>(Span<T> dst, double from, double to) where T : IBinaryFloatingPointIeee754<T>
    {
        Transformation.CheckSupported<T>();
        CheckUniformBounds<T>(from, to);
        T f = T.CreateTruncating(from);
        T t = T.CreateTruncating(to);
        lock (_sync)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = NextUniform(f, t);
            }
        }
    }

    /// <summary>The checks of ATen's <c>uniform_impl_</c>, with its messages.</summary>
    private static void CheckUniformBounds<T>(double from, double to) where T : IBinaryFloatingPointIeee754<T>
    {
        bool isFloat = typeof(T) == typeof(float);
        double max = isFloat ? float.MaxValue : double.MaxValue;
        string name = isFloat ? "Float" : "Double";
        if (double.IsNaN(from) || from < -max || from > max)
        {
            throw new ArgumentOutOfRangeException(nameof(from), from, $"from is out of bounds for {name.ToLowerInvariant()}");
        }
        if (double.IsNaN(to) || to < -max || to > max)
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, $"to is out of bounds for {name.ToLowerInvariant()}");
        }
        if (!(from <= to))
        {
            throw new ArgumentException($"uniform_ expects to return a [from, to) range, but found from={from} > to={to}", nameof(from));
        }
        if (!(to - from <= max))
        {
            throw new ArgumentException(
                $"uniform_ expects to-from <= std::numeric_limits<{name}>::max(), but found to={to} and from={from} which result in to-from to exceed the limit",
                nameof(to));
        }
    }

    // One uniform_real_distribution<T> draw; caller holds _sync.
    private T NextUniform<T>(T from, T to) where T : IBinaryFloatingPointIeee754<T>
    {
        ulong bits = Transformation.Uses64BitDraw<T>() ? Random64() : Random32();
        return Transformation.UniformReal(bits, from, to);
    }
}
