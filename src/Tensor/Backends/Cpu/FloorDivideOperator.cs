using System.Numerics;

namespace Bridge.Backends.Cpu;

/// <summary>
/// ⌊a / b⌋ as torch 1.13's floor_divide (Python's <c>//</c>): integers round toward -∞ exactly; floats follow ATen's
/// div_floor: (a - fmod(a, b)) / b, corrected by one when the remainder's sign differs from b's, then rounded to the
/// nearest integer, so 7.3 // 0.1 is 73 as in torch (not floor(73.0000001) = 73 by luck). b = 0 gives a / b.
/// </summary>
internal readonly struct FloorDivideOperator : IBinaryOperator
{
    public static string Name => "floor_divide";

    public static T Invoke<T>(T a, T b) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float)) return (T)(object)(float)Floating((float)(object)a, (float)(object)b);
        if (typeof(T) == typeof(double)) return (T)(object)Floating((double)(object)a, (double)(object)b);
        // Integers: the Tensor layer has refused b = 0 (ZeroDivisionError) before any kernel runs.
        T q = a / b;
        return a % b != T.Zero && (a < T.Zero) != (b < T.Zero) ? q - T.One : q;
    }

    static double Floating(double a, double b)
    {
        if (b == 0) return a / b;
        double mod = a % b; // C's fmod: the sign of a
        double div = (a - mod) / b;
        if (mod != 0 && (b < 0) != (mod < 0)) div -= 1;
        if (div == 0) return Math.CopySign(0, a / b);
        double floor = Math.Floor(div);
        return div - floor > 0.5 ? floor + 1 : floor;
    }

    static float Floating(float a, float b)
    {
        if (b == 0) return a / b;
        float mod = a % b;
        float div = (a - mod) / b;
        if (mod != 0 && (b < 0) != (mod < 0)) div -= 1;
        if (div == 0) return MathF.CopySign(0, a / b);
        float floor = MathF.Floor(div);
        return div - floor > 0.5f ? floor + 1 : floor;
    }
}
