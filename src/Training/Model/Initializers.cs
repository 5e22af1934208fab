namespace GpuRnn.Training.Model;

/// <summary>
/// Keras's default initialisers for SimpleRNN and Dense, drawn from our own seeded generator (the values differ
/// from Keras's, the distributions do not): glorot_uniform kernels, orthogonal recurrent kernels, zero biases.
/// </summary>
public static class Initializers
{
    public static float[] KerasDefaults(ParameterLayout layout, int seed)
    {
        var rng = new Random(seed);
        var p = new float[layout.Count];
        for (int l = 0; l < layout.Spec.Layers; l++)
        {
            GlorotUniform(p, layout.Kernel[l], rng);
            Orthogonal(p, layout.RecurrentKernel[l], rng);
        }
        GlorotUniform(p, layout.DenseKernel, rng);
        return p; // biases stay zero
    }

    /// <summary>U(−limit, limit) with limit = √(6 / (fan_in + fan_out)).</summary>
    public static void GlorotUniform(Span<float> p, TensorSlot slot, Random rng)
    {
        double limit = Math.Sqrt(6.0 / (slot.Rows + slot.Columns));
        for (int i = 0; i < slot.Length; i++)
            p[slot.Offset + i] = (float)((rng.NextDouble() * 2 - 1) * limit);
    }

    /// <summary>
    /// Q of the QR decomposition of a standard normal matrix, with signs fixed so R's diagonal is positive, as
    /// Keras's Orthogonal does. Gram–Schmidt on the columns yields exactly that Q.
    /// </summary>
    public static void Orthogonal(Span<float> p, TensorSlot slot, Random rng)
    {
        int rows = slot.Rows, cols = slot.Columns;
        bool transpose = rows < cols; // orthonormalise along the longer side, as Keras does
        int n = transpose ? cols : rows, k = transpose ? rows : cols;
        var q = new double[k][];
        for (int j = 0; j < k; j++)
        {
            var v = new double[n];
            for (int i = 0; i < n; i++) v[i] = StandardNormal(rng);
            for (int pass = 0; pass < 2; pass++) // twice: re-orthogonalisation keeps Q orthogonal in finite precision
                for (int c = 0; c < j; c++)
                {
                    double dot = 0;
                    for (int i = 0; i < n; i++) dot += q[c][i] * v[i];
                    for (int i = 0; i < n; i++) v[i] -= dot * q[c][i];
                }
            double norm = Math.Sqrt(v.Sum(x => x * x));
            for (int i = 0; i < n; i++) v[i] /= norm;
            q[j] = v;
        }
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                p[slot.At(r, c)] = (float)(transpose ? q[r][c] : q[c][r]);
    }

    static double StandardNormal(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
