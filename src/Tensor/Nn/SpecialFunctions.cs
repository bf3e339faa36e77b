namespace Bridge.Nn;

/// <summary>The scalar math nn.init needs that .NET lacks: erf, torch's erfinv, and a QR's orthonormal factor.</summary>
internal static class SpecialFunctions
{
    /// <summary>
    /// erf x = (2/√π)·e^(-x²)·Σ 2ⁿx^(2n+1)/(1·3···(2n+1)): every term positive, so no cancellation; ±1 beyond |x| = 6,
    /// where erf rounds to ±1 in double.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        if (ax >= 6) return Math.CopySign(1.0, x);
        double term = ax, sum = ax, x2 = ax * ax;
        for (int n = 1; n < 500 && term > sum * 1e-17; n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
        }
        return Math.CopySign(2 / Math.Sqrt(Math.PI) * Math.Exp(-x2) * sum, x);
    }

    static readonly double[] A = [0.886226899, -1.645349621, 0.914624893, -0.140543331];
    static readonly double[] B = [-2.118377725, 1.442710462, -0.329097515, 0.012229801];
    static readonly double[] C = [-1.970840454, -1.624906493, 3.429567803, 1.641345311];
    static readonly double[] D = [3.543889200, 1.637067800];

    /// <summary>
    /// ATen's calc_erfinv in double: a rational approximation (central range |y| ≤ 0.7, a tail form outside) refined
    /// by two Newton steps on erf.
    /// </summary>
    public static double Erfinv(double y)
    {
        double ay = Math.Abs(y);
        if (ay > 1 || double.IsNaN(y)) return double.NaN;
        if (ay == 1) return Math.CopySign(double.PositiveInfinity, y);
        double x;
        if (ay <= 0.7)
        {
            double z = y * y;
            double num = ((A[3] * z + A[2]) * z + A[1]) * z + A[0];
            double dem = (((B[3] * z + B[2]) * z + B[1]) * z + B[0]) * z + 1.0;
            x = y * num / dem;
        }
        else
        {
            double z = Math.Sqrt(-Math.Log((1.0 - ay) / 2.0));
            double num = ((C[3] * z + C[2]) * z + C[1]) * z + C[0];
            double dem = (D[1] * z + D[0]) * z + 1.0;
            x = Math.CopySign(num, y) / dem;
        }
        double k = 2.0 / Math.Sqrt(Math.PI);
        x -= (Erf(x) - y) / (k * Math.Exp(-x * x));
        x -= (Erf(x) - y) / (k * Math.Exp(-x * x));
        return x;
    }

    /// <summary>ATen's calc_erfinv for float: the same steps in single precision (erff as erf rounded to float).</summary>
    public static float Erfinv(float y)
    {
        float ay = MathF.Abs(y);
        if (ay > 1 || float.IsNaN(y)) return float.NaN;
        if (ay == 1) return MathF.CopySign(float.PositiveInfinity, y);
        float x;
        if (ay <= 0.7f)
        {
            float z = y * y;
            float num = (((float)A[3] * z + (float)A[2]) * z + (float)A[1]) * z + (float)A[0];
            float dem = ((((float)B[3] * z + (float)B[2]) * z + (float)B[1]) * z + (float)B[0]) * z + 1.0f;
            x = y * num / dem;
        }
        else
        {
            float z = MathF.Sqrt(-MathF.Log((1.0f - ay) / 2.0f));
            float num = (((float)C[3] * z + (float)C[2]) * z + (float)C[1]) * z + (float)C[0];
            float dem = ((float)D[1] * z + (float)D[0]) * z + 1.0f;
            x = MathF.CopySign(num, y) / dem;
        }
        float k = 2.0f / (float)Math.Sqrt(Math.PI);
        x -= ((float)Erf(x) - y) / (k * MathF.Exp(-x * x));
        x -= ((float)Erf(x) - y) / (k * MathF.Exp(-x * x));
        return x;
    }

    /// <summary>
    /// Householder QR of the row-major <paramref name="rows"/>×<paramref name="cols"/> matrix (rows ≥ cols): returns the
    /// reduced Q (rows×cols, row-major) with each column multiplied by the sign of R's diagonal entry, which is
    /// torch.nn.init.orthogonal_'s <c>q *= d.sign()</c> and makes the result independent of the QR's sign convention.
    /// </summary>
    public static double[] OrthonormalFactor(double[] a, int rows, int cols)
    {
        var r = (double[])a.Clone();
        var vs = new double[cols][];
        var diagSign = new double[cols];
        for (int k = 0; k < cols; k++)
        {
            double norm = 0;
            for (int i = k; i < rows; i++) norm += r[i * cols + k] * r[i * cols + k];
            norm = Math.Sqrt(norm);
            double alpha = r[k * cols + k] >= 0 ? -norm : norm; // R[k,k] = alpha after the reflection
            var v = new double[rows - k];
            for (int i = k; i < rows; i++) v[i - k] = r[i * cols + k];
            v[0] -= alpha;
            double vnorm2 = 0;
            foreach (double e in v) vnorm2 += e * e;
            vs[k] = v;
            if (vnorm2 > 0)
                for (int j = k; j < cols; j++)
                {
                    double dot = 0;
                    for (int i = k; i < rows; i++) dot += v[i - k] * r[i * cols + j];
                    double f = 2 * dot / vnorm2;
                    for (int i = k; i < rows; i++) r[i * cols + j] -= f * v[i - k];
                }
            diagSign[k] = Math.Sign(r[k * cols + k]);
        }
        // Q = H₀H₁…H_{n-1} applied to the first cols columns of the identity, last reflection first.
        var q = new double[rows * cols];
        for (int j = 0; j < cols; j++) q[j * cols + j] = 1;
        for (int k = cols - 1; k >= 0; k--)
        {
            var v = vs[k];
            double vnorm2 = 0;
            foreach (double e in v) vnorm2 += e * e;
            if (vnorm2 == 0) continue;
            for (int j = 0; j < cols; j++)
            {
                double dot = 0;
                for (int i = k; i < rows; i++) dot += v[i - k] * q[i * cols + j];
                double f = 2 * dot / vnorm2;
                for (int i = k; i < rows; i++) q[i * cols + j] -= f * v[i - k];
            }
        }
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) q[i * cols + j] *= diagSign[j];
        return q;
    }
}
