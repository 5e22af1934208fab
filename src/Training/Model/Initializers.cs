using GpuRnn.Kernels;

namespace GpuRnn.Training.Model;

/// <summary>
/// Keras's default initialisers for SimpleRNN and Dense, drawn from our own seeded generator (the values differ
/// from Keras's, the distributions do not): glorot_uniform kernels, orthogonal recurrent kernels, zero biases.
/// </summary>
public static class Initializers
{
    public static float[] KerasDefaults(ParameterLayout layout, int seed)
    {
        var rng = new SeededRandom(seed, RandomStream.InitialWeights);
        var p = new float[layout.Count];
        for (int l = 0; l < layout.Layers; l++)
        {
            GlorotUniform(p, layout.Kernel[l], rng);
            Orthogonal(p, layout.RecurrentKernel[l], rng);
        }
        GlorotUniform(p, layout.DenseKernel, rng);
        return p; // biases stay zero
    }

    /// <summary>U(−limit, limit) with limit = √(6 / (fan_in + fan_out)).</summary>
    public static void GlorotUniform(Span<float> p, TensorSlot slot, SeededRandom rng)
    {
        double limit = Math.Sqrt(6.0 / (slot.Rows + slot.Columns));
        for (int i = 0; i < slot.Length; i++)
            p[slot.Offset + i] = (float)((rng.NextDouble() * 2 - 1) * limit);
    }

    /// <summary>
    /// Q of the QR decomposition of a standard normal matrix, with signs fixed so R's diagonal is positive, as
    /// Keras's Orthogonal does. The normal matrix is drawn column after column along the slot's longer side
    /// (<see cref="GaussianColumns"/>), then orthonormalised in float64 (<see cref="Orthonormalization"/>).
    /// </summary>
    public static void Orthogonal(Span<float> p, TensorSlot slot, SeededRandom rng)
    {
        int rows = slot.Rows, cols = slot.Columns;
        bool transpose = rows < cols; // orthonormalise along the longer side, as Keras does
        int n = transpose ? cols : rows, k = transpose ? rows : cols;
        var q = new Orthonormalization.ColumnMatrix(n, k);
        for (int c = 0; c < k; c++) rng.FillStandardNormal(q.Column(c)); // the draws in GaussianColumns' order
        q.Orthonormalize(Orthonormalization.WidestLanes);
        if (transpose) // Q's columns are the slot's rows: both contiguous
            for (int r = 0; r < rows; r++)
            {
                var column = q.Column(r);
                for (int c = 0; c < cols; c++) p[slot.At(r, c)] = (float)column[c];
            }
        else // Q's columns are the slot's columns: transpose in tiles, so that neither side is walked with a long stride
            for (int r0 = 0; r0 < rows; r0 += 64)
                for (int c0 = 0; c0 < cols; c0 += 64)
                    for (int c = c0; c < Math.Min(c0 + 64, cols); c++)
                    {
                        var column = q.Column(c);
                        for (int r = r0; r < Math.Min(r0 + 64, rows); r++) p[slot.At(r, c)] = (float)column[r];
                    }
    }

    /// <summary>n·k standard normal draws as k columns of n, in the order <see cref="Orthogonal"/> uses them.</summary>
    public static double[] GaussianColumns(SeededRandom rng, int n, int k)
    {
        var a = new double[n * k];
        rng.FillStandardNormal(a);
        return a;
    }
}
