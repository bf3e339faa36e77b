namespace Bridge.Nn;

/// <summary>The scalar math nn.init needs that .NET lacks: erf (for trunc_normal_'s bounds) and a QR's orthonormal factor (orthogonal_). Its erfinv is TorchErfinv's.</summary>
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
