using Lanes = GpuRnn.Training.Model.Orthonormalization.Lanes;

namespace GpuRnn.Tests;

/// <summary>
/// The blocked, vectorised orthonormalisation against plain Gram–Schmidt on the same Gaussian draws, and against
/// the definition of the QR decomposition (QᵀQ = I, R = QᵀA upper triangular with a positive diagonal).
/// </summary>
public class OrthonormalizationTests
{
    public static TheoryData<int, int> Shapes()
    {
        var shapes = new TheoryData<int, int>();
        foreach (var (n, k) in new[] { (1, 1), (2, 1), (2, 2), (3, 3), (5, 2), (7, 7), (8, 8), (9, 9), (9, 1), (13, 5), (16, 16),
                     (17, 17), (17, 16), (24, 3), (31, 30), (32, 32), (33, 33), (40, 17), (47, 47), (63, 63), (64, 64), (64, 9), (64, 1) })
            shapes.Add(n, k);
        return shapes;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Equals_gram_schmidt_on_the_same_draws(int n, int k)
    {
        var a = Initializers.GaussianColumns(new SeededRandom(n * 100 + k, RandomStream.InitialWeights), n, k);
        var expected = GramSchmidt(a, n, k);
        foreach (var lanes in new[] { Lanes.One, Lanes.Wide256, Lanes.Wide512 })
        {
            var q = (double[])a.Clone();
            Orthonormalization.OrthonormalizeColumns(q, n, k, lanes);
            for (int i = 0; i < q.Length; i++) Assert.True(Math.Abs(q[i] - expected[i]) < 1e-9, $"{lanes}, element {i}: {q[i]} vs {expected[i]}");
        }
    }

    /// <summary>300 columns: the blocks of 32 and their inner blocks of 8, on every vector width.</summary>
    [Fact]
    public void A_300_square_matrix_equals_gram_schmidt_and_is_orthogonal_to_rounding()
    {
        const int n = 300;
        var a = Initializers.GaussianColumns(new SeededRandom(300, RandomStream.InitialWeights), n, n);
        var expected = GramSchmidt(a, n, n);
        foreach (var lanes in new[] { Lanes.One, Lanes.Wide256, Lanes.Wide512 })
        {
            var q = (double[])a.Clone();
            Orthonormalization.OrthonormalizeColumns(q, n, n, lanes);
            Assert.True(MaxDifference(q, expected) < 1e-9, $"{lanes}: {MaxDifference(q, expected):E2} from Gram–Schmidt");
            Assert.True(OrthogonalityError(q, n, n) < 1e-12, $"{lanes}: |QᵀQ − I| = {OrthogonalityError(q, n, n):E2}");
        }
    }

    /// <summary>
    /// Over 1 024 columns the outer blocks of 128 come in too; Gram–Schmidt would take long there, so the check is the
    /// QR decomposition's definition, which fixes Q uniquely: QᵀQ = I and QᵀA upper triangular with a positive diagonal.
    /// </summary>
    [Fact]
    public void A_wide_matrix_is_the_q_of_its_qr_decomposition()
    {
        const int n = 1031, k = 1029;
        var a = Initializers.GaussianColumns(new SeededRandom(1031, RandomStream.InitialWeights), n, k);
        var q = (double[])a.Clone();
        Orthonormalization.OrthonormalizeColumns(q, n, k);
        Assert.True(OrthogonalityError(q, n, k) < 1e-12, $"|QᵀQ − I| = {OrthogonalityError(q, n, k):E2}");
        double worstBelow = 0, smallestDiagonal = double.MaxValue;
        Parallel.For(0, k, () => (0.0, double.MaxValue), (i, _, local) =>
        {
            for (int j = 0; j <= i; j++) // R[i, j] = ⟨q_i, a_j⟩ on and below the diagonal
            {
                double r = Dot(q, i, a, j, n);
                if (j < i) local.Item1 = Math.Max(local.Item1, Math.Abs(r));
                else local.Item2 = Math.Min(local.Item2, r);
            }
            return local;
        }, local => { lock (q) { worstBelow = Math.Max(worstBelow, local.Item1); smallestDiagonal = Math.Min(smallestDiagonal, local.Item2); } });
        Assert.True(worstBelow < 1e-9, $"R below its diagonal: {worstBelow:E2}"); // |A| ≈ √n per column, so 1e-9 is ~1e-10 relative
        Assert.True(smallestDiagonal > 0, $"R's smallest diagonal entry: {smallestDiagonal}");
    }

    [Fact]
    public void Initializer_writes_q_along_the_longer_side_of_the_slot()
    {
        foreach (var (rows, cols) in new[] { (6, 6), (7, 3), (3, 7) })
        {
            var slot = new TensorSlot("w", rows, cols, 2);
            var p = new float[rows * cols + 2];
            Initializers.Orthogonal(p, slot, new SeededRandom(9, RandomStream.InitialWeights));
            int n = Math.Max(rows, cols), k = Math.Min(rows, cols);
            var q = GramSchmidt(Initializers.GaussianColumns(new SeededRandom(9, RandomStream.InitialWeights), n, k), n, k);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                    Assert.Equal((float)(rows < cols ? q[r * n + c] : q[c * n + r]), p[slot.At(r, c)]);
            Assert.Equal([0f, 0f], p[..2]);
        }
    }

    /// <summary>The plain reference: modified Gram–Schmidt, each column twice, as the initialiser did before.</summary>
    static double[] GramSchmidt(double[] a, int n, int k)
    {
        var q = (double[])a.Clone();
        for (int j = 0; j < k; j++)
        {
            for (int pass = 0; pass < 2; pass++)
                for (int c = 0; c < j; c++)
                {
                    double dot = Dot(q, c, q, j, n);
                    for (int i = 0; i < n; i++) q[j * n + i] -= dot * q[c * n + i];
                }
            double norm = Math.Sqrt(Dot(q, j, q, j, n));
            for (int i = 0; i < n; i++) q[j * n + i] /= norm;
        }
        return q;
    }

    static double Dot(double[] x, int column, double[] y, int otherColumn, int n)
    {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += x[column * n + i] * y[otherColumn * n + i];
        return sum;
    }

    static double OrthogonalityError(double[] q, int n, int k)
    {
        var worst = new double[k];
        Parallel.For(0, k, i =>
        {
            for (int j = 0; j <= i; j++) worst[i] = Math.Max(worst[i], Math.Abs(Dot(q, i, q, j, n) - (i == j ? 1 : 0)));
        });
        return worst.Max();
    }

    static double MaxDifference(double[] x, double[] y) => x.Zip(y, (u, v) => Math.Abs(u - v)).Max();
}
