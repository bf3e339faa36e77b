namespace Bridge.Random;

/// <summary>
/// Bit-exact scalar emulation of ATen's <c>normal_fill_16_AVX2</c> (native/cpu/DistributionTemplates.h),
/// which uses <c>log256_ps</c> and <c>sincos256_ps</c> from ATen's avx_mathfun.h (Cephes polynomials),
/// not libm and not Sleef.
/// <para>
/// The operation order is taken from the disassembly of Debian's libtorch_cpu.so 1.13 rather than
/// from the C source: GCC implements the _mm256 intrinsics as plain vector arithmetic and, with
/// -mfma and the default -ffp-contract=fast, fuses many "mul then add" pairs into FMAs. Every
/// <see cref="MathF.FusedMultiplyAdd"/> below stands for one vfmadd/vfnmadd/vfmsub in that binary, and
/// every separate multiply or add for one vmulps/vaddps. Each of the 8 SIMD lanes is independent, so
/// emulating one lane at a time with scalar IEEE float operations gives the same bits.
/// </para>
/// </summary>
internal static class AvxMathFun
{
    // Constants by bit pattern, exactly as stored in libtorch's .rodata.
    private static readonly float MinNormPos = BitConverter.Int32BitsToSingle(0x00800000);
    private static readonly float SqrtHalf = BitConverter.Int32BitsToSingle(0x3f3504f3);   // cephes_SQRTHF
    private static readonly float LogP0 = BitConverter.Int32BitsToSingle(0x3d9021bb);     // 7.0376836292E-2
    private static readonly float LogP1 = BitConverter.Int32BitsToSingle(unchecked((int)0xbdebd1b8));
    private static readonly float LogP2 = BitConverter.Int32BitsToSingle(0x3def251a);
    private static readonly float LogP3 = BitConverter.Int32BitsToSingle(unchecked((int)0xbdfe5d4f));
    private static readonly float LogP4 = BitConverter.Int32BitsToSingle(0x3e11e9bf);
    private static readonly float LogP5 = BitConverter.Int32BitsToSingle(unchecked((int)0xbe2aae50));
    private static readonly float LogP6 = BitConverter.Int32BitsToSingle(0x3e4cceac);
    private static readonly float LogP7 = BitConverter.Int32BitsToSingle(unchecked((int)0xbe7ffffc));
    private static readonly float LogP8 = BitConverter.Int32BitsToSingle(0x3eaaaaaa);
    private static readonly float LogQ1 = BitConverter.Int32BitsToSingle(unchecked((int)0xb95e8083)); // -2.12194440e-4
    private static readonly float LogQ2 = BitConverter.Int32BitsToSingle(0x3f318000);     // 0.693359375
    private static readonly float FourOverPi = BitConverter.Int32BitsToSingle(0x3fa2f983); // cephes_FOPI
    private static readonly float MinusDp1 = BitConverter.Int32BitsToSingle(unchecked((int)0xbf490000));
    private static readonly float MinusDp2 = BitConverter.Int32BitsToSingle(unchecked((int)0xb97da000));
    private static readonly float MinusDp3 = BitConverter.Int32BitsToSingle(unchecked((int)0xb3222169));
    private static readonly float SinP0 = BitConverter.Int32BitsToSingle(unchecked((int)0xb94ca1f9)); // sincof_p0
    private static readonly float SinP1 = BitConverter.Int32BitsToSingle(0x3c08839e);
    private static readonly float SinP2 = BitConverter.Int32BitsToSingle(unchecked((int)0xbe2aaaa3));
    private static readonly float CosP0 = BitConverter.Int32BitsToSingle(0x37ccf5ce);     // coscof_p0
    private static readonly float CosP1 = BitConverter.Int32BitsToSingle(unchecked((int)0xbab6061a));
    private static readonly float CosP2 = BitConverter.Int32BitsToSingle(0x3d2aaaa5);
    private static readonly float TwoPi = BitConverter.Int32BitsToSingle(0x40c90fdb);     // (float)(2.0f * pi<double>)

    /// <summary>
    /// Transforms 16 uniforms in [0, 1) into 16 normals in place: lanes 0..7 get the cos branch,
    /// lanes 8..15 the sin branch, each as <c>fma(radius * trig, std, mean)</c>.
    /// </summary>
    public static void NormalFill16(Span<float> data, float mean, float std)
    {
        for (int j = 0; j < 8; j++)
        {
            float u1 = 1.0f - data[j]; // [0, 1) -> (0, 1] for log
            float theta = TwoPi * data[j + 8];
            float radius = MathF.Sqrt(Log(u1) * -2.0f);
            SinCos(theta, out float sin, out float cos);
            data[j] = MathF.FusedMultiplyAdd(radius * cos, std, mean);
            data[j + 8] = MathF.FusedMultiplyAdd(radius * sin, std, mean);
        }
    }

    /// <summary>One lane of <c>log256_ps</c> as compiled (NaN for x &lt;= 0, like the original).</summary>
    public static float Log(float x)
    {
        bool invalid = x <= 0.0f;
        x = x > MinNormPos ? x : MinNormPos; // vmaxps: cut off denormals

        int bits = BitConverter.SingleToInt32Bits(x);
        int exponent = (int)((uint)bits >> 23) - 0x7f;
        // keep only the mantissa, as a number in [0.5, 1)
        x = BitConverter.Int32BitsToSingle((bits & unchecked((int)0x807fffff)) | 0x3f000000);
        float e = exponent + 1.0f; // exact: |exponent| < 2^24

        // if (x < SQRTHF) { e -= 1; x = x + x - 1; } else { x = x - 1; }, done branch-free with masks
        bool small = x < SqrtHalf;
        float tmp = small ? x : 0.0f;
        x += -1.0f;
        e -= small ? 1.0f : 0.0f;
        float eq1 = e * LogQ1;
        x = tmp + x;

        float y = MathF.FusedMultiplyAdd(LogP0, x, LogP1);
        y = MathF.FusedMultiplyAdd(y, x, LogP2);
        y = MathF.FusedMultiplyAdd(y, x, LogP3);
        y = MathF.FusedMultiplyAdd(y, x, LogP4);
        y = MathF.FusedMultiplyAdd(y, x, LogP5);
        y = MathF.FusedMultiplyAdd(y, x, LogP6);
        y = MathF.FusedMultiplyAdd(y, x, LogP7);
        y = MathF.FusedMultiplyAdd(y, x, LogP8);
        float z = x * x;
        y *= x;
        y = MathF.FusedMultiplyAdd(y, z, eq1);       // y*z + e*q1
        y = MathF.FusedMultiplyAdd(-z, 0.5f, y);     // y - z*0.5 (vfnmadd)
        x += y;
        x = MathF.FusedMultiplyAdd(e, LogQ2, x);     // (x + y) + e*q2
        // vorps with the all-ones "x <= 0" mask: the result is the NaN with every bit set.
        return invalid ? BitConverter.Int32BitsToSingle(-1) : x;
    }

    /// <summary>One lane of <c>sincos256_ps</c> as compiled (Cephes range reduction by π/4, two polynomials).</summary>
    public static void SinCos(float x, out float sin, out float cos)
    {
        int xBits = BitConverter.SingleToInt32Bits(x);
        int signSin = xBits & unchecked((int)0x80000000);
        float ax = BitConverter.Int32BitsToSingle(xBits & 0x7fffffff);

        // j = (int)(|x| * 4/π); j = (j + 1) & ~1 (vcvttps2dq truncates; lanes here stay far below 2^31)
        int j = (int)(ax * FourOverPi);
        j = (j + 1) & ~1;
        float y = j;
        int swapSignSin = (j & 4) << 29;
        bool polyMask = (j & 2) == 0;
        int signCos = (~(j - 2) & 4) << 29;
        signSin ^= swapSignSin;

        // Extended precision modular arithmetic: x = ((x - y*DP1) - y*DP2) - y*DP3, fused.
        float r = MathF.FusedMultiplyAdd(y, MinusDp1, ax);
        r = MathF.FusedMultiplyAdd(y, MinusDp2, r);
        r = MathF.FusedMultiplyAdd(y, MinusDp3, r);
        float z = r * r;

        // cos polynomial (0 <= x <= π/4)
        float c = MathF.FusedMultiplyAdd(CosP0, z, CosP1);
        c = MathF.FusedMultiplyAdd(c, z, CosP2);
        c *= z;
        c = MathF.FusedMultiplyAdd(c, z, -(z * 0.5f)); // vfmsub: c*z - z*0.5
        c += 1.0f;

        // sin polynomial
        float s = MathF.FusedMultiplyAdd(SinP0, z, SinP1);
        s = MathF.FusedMultiplyAdd(s, z, SinP2);
        s *= z;
        s = MathF.FusedMultiplyAdd(s, r, r);

        // Select with the same and/andnot/sub/add sequence (keeps the signs of zeros identical).
        float ySin2 = polyMask ? s : 0.0f;
        float ySin1 = polyMask ? 0.0f : c;
        s -= ySin2;
        c -= ySin1;
        float sinAbs = ySin2 + ySin1;
        float cosAbs = s + c;
        sin = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(sinAbs) ^ signSin);
        cos = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(cosAbs) ^ signCos);
    }
}
