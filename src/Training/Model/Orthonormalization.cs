using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GpuRnn.Training.Model;

/// <summary>
/// Q of the thin QR decomposition of a full-rank n×k matrix (n ≥ k) with R's diagonal positive, in float64: column j
/// of Q is the normalised part of column j orthogonal to columns 0 … j−1. That Q is unique, so this equals plain
/// Gram–Schmidt's result up to rounding; it is computed as blocked Gram–Schmidt with re-orthogonalisation (BCGS2:
/// each block of columns is projected out of the earlier ones twice, then orthonormalised the same way inside),
/// so nearly all the O(nk²) work is two matrix products, vectorised and spread over the cores.
/// </summary>
public static class Orthonormalization
{
    /// <summary>Column blocks at or below this width are orthonormalised one column at a time.</summary>
    const int LeafWidth = 8;

    /// <summary>
    /// Replaces the k columns of <paramref name="columns"/> (each n long, stored one after another) by Q's.
    /// </summary>
    public static void OrthonormalizeColumns(double[] columns, int n, int k) => OrthonormalizeColumns(columns, n, k, WidestLanes);

    /// <summary>The vector width the kernels use: the widest the CPU has, or a narrower one (tests run all three).</summary>
    internal enum Lanes { One = 1, Wide256 = 4, Wide512 = 8 }

    internal static Lanes WidestLanes => Vector512.IsHardwareAccelerated ? Lanes.Wide512 : Vector256.IsHardwareAccelerated ? Lanes.Wide256 : Lanes.One;

    internal static void OrthonormalizeColumns(double[] columns, int n, int k, Lanes lanes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, k);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns.Length, (long)n * k);
        var work = new ColumnMatrix(n, k);
        for (int c = 0; c < k; c++) columns.AsSpan(c * n, n).CopyTo(work.Column(c));
        work.Orthonormalize(lanes);
        for (int c = 0; c < k; c++) work.Column(c).CopyTo(columns.AsSpan(c * n, n));
    }

    /// <summary>
    /// An n×k matrix stored column after column, laid out for the kernels: each column starts on a 64-byte boundary
    /// (one cache line, so 512-bit loads never straddle two) and the distance between columns is an odd number of
    /// cache lines, so that the columns of a power-of-two n do not all fall into the same few cache sets.
    /// </summary>
    internal sealed class ColumnMatrix
    {
        readonly double[] data;
        readonly int offset;

        public unsafe ColumnMatrix(int rows, int columns)
        {
            Rows = rows;
            Columns = columns;
            int lines = (rows + 7) / 8;
            Stride = 8 * (lines | 1);
            // Pinned (so the alignment found now holds) and uninitialised: the kernels never read past row n.
            data = GC.AllocateUninitializedArray<double>(Stride * columns + 8, pinned: true);
            offset = (int)((64 - (nuint)Unsafe.AsPointer(ref data[0]) % 64) % 64 / sizeof(double));
        }

        public int Rows { get; }
        public int Columns { get; }
        /// <summary>Distance between the starts of two neighbouring columns, in doubles.</summary>
        public int Stride { get; }

        public Span<double> Column(int c) => data.AsSpan(offset + c * Stride, Rows);

        public void Orthonormalize(Lanes lanes)
        {
            if (lanes == Lanes.Wide512) new Blocked<Vector512<double>, Lanes512>(data, offset, Stride, Rows).Run(0, Columns);
            else if (lanes == Lanes.Wide256) new Blocked<Vector256<double>, Lanes256>(data, offset, Stride, Rows).Run(0, Columns);
            else new Blocked<double, LanesScalar>(data, offset, Stride, Rows).Run(0, Columns);
        }
    }

    readonly struct Blocked<TV, TL>(double[] data, int offset, int stride, int n) where TL : struct, ILanes<TV>
    {
        readonly double[] a = data;
        readonly nuint offset = (nuint)(uint)offset;
        readonly nuint stride = (nuint)(uint)stride;
        readonly int n = n;

        /// <summary>
        /// Rows × columns of P in one Gram pass: 512 × 64 (256 KB) stay in L2 while Q's columns meet them, 8 at a time
        /// (32 KB, in L1). A tile is 8 columns of Q × 2 of P, so each vector loaded from L2 feeds 8 multiply–adds.
        /// </summary>
        const int GramRows = 512, GramColumns = 64;
        /// <summary>Rows per parallel work item of the update.</summary>
        const int UpdateRows = 256;
        /// <summary>Q columns per pass of the update: 128 of them × 32 rows (32 KB) stay in L1 across the tile's columns of P.</summary>
        const int UpdateColumns = 128;
        /// <summary>Below this many multiply–adds a product runs on the calling thread (a Parallel.For costs microseconds).</summary>
        const long ParallelWork = 1 << 18;

        // The loops below are AggressiveOptimization: a one-off initialisation never gets past the JIT's first tier otherwise.

        nuint Column(int c) => offset + (nuint)(uint)c * stride;

        public void Run(int lo, int hi)
        {
            int width = hi - lo;
            if (width <= LeafWidth)
            {
                Leaf(lo, hi);
                return;
            }
            // Wide blocks first, so that the large products dominate; narrower ones inside each block.
            int block = width >= 1024 ? 128 : width >= 128 ? 32 : LeafWidth;
            for (int s = lo; s < hi; s += block)
            {
                int e = Math.Min(s + block, hi);
                if (s > lo)
                    for (int pass = 0; pass < 2; pass++) // twice: one classical projection loses orthogonality as κ² ε
                    {
                        var w = new double[(s - lo) * (e - s)];
                        Gram(lo, s - lo, s, e - s, w);
                        Update(lo, s - lo, s, e - s, w);
                    }
                Run(s, e);
            }
        }

        /// <summary>Modified Gram–Schmidt, twice, on a few columns already orthogonal to everything before them.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Leaf(int lo, int hi)
        {
            ref double a0 = ref a[0];
            for (int j = lo; j < hi; j++)
            {
                ref double v = ref Unsafe.Add(ref a0, Column(j));
                for (int pass = 0; pass < 2; pass++)
                    for (int c = lo; c < j; c++)
                    {
                        ref double q = ref Unsafe.Add(ref a0, Column(c));
                        Axpy(-Dot(ref q, ref v, n), ref q, ref v, n);
                    }
                double norm = Math.Sqrt(Dot(ref v, ref v, n));
                Scale(1 / norm, ref v, n);
            }
        }

        /// <summary>w[c, t] = ⟨Q column qLo + c, P column pLo + t⟩, row-major qCount × pCount.</summary>
        void Gram(int qLo, int qCount, int pLo, int pCount, double[] w)
        {
            var self = this;
            int groups = (qCount + 7) / 8;
            // Each part owns whole rows of w (its Q columns), so the parts never write the same sums; more parts than cores
            // keep both cores busy to the end when another process takes one of them for a while.
            int parts = (long)qCount * pCount * n < ParallelWork ? 1 : Math.Min(groups, 16);
            ForEach(parts, part =>
            {
                int g0 = (int)((long)groups * part / parts), g1 = (int)((long)groups * (part + 1) / parts);
                for (int t0 = 0; t0 < pCount; t0 += GramColumns)
                    for (int i0 = 0; i0 < self.n; i0 += GramRows)
                    {
                        int rows = Math.Min(GramRows, self.n - i0), columns = Math.Min(GramColumns, pCount - t0);
                        for (int g = g0; g < g1; g++)
                            self.GramTile(qLo + 8 * g, Math.Min(8, qCount - 8 * g), pLo + t0, columns, i0, rows, w, 8 * g * pCount + t0, pCount);
                    }
            });
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void GramTile(int q0, int qn, int pLo, int pCount, int i0, int rows, double[] w, int wFirst, int wStride)
        {
            ref double a0 = ref a[0];
            ref double q = ref Unsafe.Add(ref a0, Column(q0) + (nuint)i0);
            ref double w0 = ref w[wFirst];
            int t = 0;
            if (qn == 8)
                for (; t + 2 <= pCount; t += 2)
                    Dots8x2(ref q, ref Unsafe.Add(ref a0, Column(pLo + t) + (nuint)i0), stride, rows,
                        ref Unsafe.Add(ref w0, t), (nuint)(uint)wStride);
            for (; t < pCount; t++)
                for (int c = 0; c < qn; c++)
                    Unsafe.Add(ref w0, c * wStride + t) += Dot(ref Unsafe.Add(ref q, (nuint)(uint)c * stride),
                        ref Unsafe.Add(ref a0, Column(pLo + t) + (nuint)i0), rows);
        }

        /// <summary>P −= Q·W for P = columns pLo … pLo + pCount − 1 and Q = columns qLo … qLo + qCount − 1.</summary>
        void Update(int qLo, int qCount, int pLo, int pCount, double[] w)
        {
            // The kernel adds Q·(−W): with W negated once here, its FMAs take W straight from memory.
            for (int i = 0; i < w.Length; i++) w[i] = -w[i];
            var self = this;
            int items = (n + UpdateRows - 1) / UpdateRows;
            int parts = (long)qCount * pCount * n < ParallelWork ? 1 : items;
            // Each item owns a band of rows of P, so the items never write the same values.
            ForEach(parts, part =>
            {
                int i0 = parts == 1 ? 0 : part * UpdateRows, i1 = parts == 1 ? self.n : Math.Min(self.n, i0 + UpdateRows);
                for (int c0 = 0; c0 < qCount; c0 += UpdateColumns)
                    self.UpdateTile(qLo + c0, Math.Min(UpdateColumns, qCount - c0), pLo, pCount, i0, i1, w, c0);
            });
        }

        /// <summary>Rows i0 … i1 − 1 of P += Q·W' for qn columns of Q from q0 and W' = rows wRow0 … of the negated W.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void UpdateTile(int q0, int qn, int pLo, int pCount, int i0, int i1, double[] w, int wRow0)
        {
            ref double a0 = ref a[0];
            ref double wFirst = ref w[wRow0 * pCount];
            nuint wStride = (nuint)(uint)pCount;
            int micro = 4 * TL.Count;
            int fullGroups = pCount / 4;
            int i = i0;
            // One micro-panel of Q (micro rows × qn columns) stays in L1 while every group of four P columns meets it.
            for (; i + micro <= i1; i += micro)
                for (int g = 0; g < fullGroups; g++)
                    Add4x4(ref Unsafe.Add(ref a0, Column(q0) + (nuint)i), stride, qn, ref Unsafe.Add(ref wFirst, 4 * g), wStride,
                        ref Unsafe.Add(ref a0, Column(pLo + 4 * g) + (nuint)i));
            for (int t = 0; t < pCount; t++) // the rows past the last micro-panel, and every row of the columns past the last group of four
                for (int r = t < 4 * fullGroups ? i : i0; r < i1; r++)
                {
                    double sum = 0;
                    for (int c = 0; c < qn; c++) sum += Unsafe.Add(ref a0, Column(q0 + c) + (nuint)r) * Unsafe.Add(ref wFirst, c * pCount + t);
                    Unsafe.Add(ref a0, Column(pLo + t) + (nuint)r) += sum;
                }
        }

        /// <summary>An 8×2 tile of dot products of length <paramref name="length"/> (Q columns × P columns), added to w (row stride ws).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Dots8x2(ref double q, ref double p, nuint stride, int length, ref double w, nuint ws)
        {
            ref double q1 = ref Unsafe.Add(ref q, stride), q2 = ref Unsafe.Add(ref q1, stride), q3 = ref Unsafe.Add(ref q2, stride);
            ref double q4 = ref Unsafe.Add(ref q3, stride), q5 = ref Unsafe.Add(ref q4, stride), q6 = ref Unsafe.Add(ref q5, stride);
            ref double q7 = ref Unsafe.Add(ref q6, stride), p1 = ref Unsafe.Add(ref p, stride);
            TV s00 = TL.Zero, s01 = TL.Zero, s10 = TL.Zero, s11 = TL.Zero, s20 = TL.Zero, s21 = TL.Zero, s30 = TL.Zero, s31 = TL.Zero;
            TV s40 = TL.Zero, s41 = TL.Zero, s50 = TL.Zero, s51 = TL.Zero, s60 = TL.Zero, s61 = TL.Zero, s70 = TL.Zero, s71 = TL.Zero;
            int i = 0;
            for (; i + TL.Count <= length; i += TL.Count)
            {
                nuint o = (nuint)i;
                TV b0 = TL.Load(ref p, o), b1 = TL.Load(ref p1, o);
                TV a = TL.Load(ref q, o);
                s00 = TL.MultiplyAdd(a, b0, s00); s01 = TL.MultiplyAdd(a, b1, s01);
                a = TL.Load(ref q1, o);
                s10 = TL.MultiplyAdd(a, b0, s10); s11 = TL.MultiplyAdd(a, b1, s11);
                a = TL.Load(ref q2, o);
                s20 = TL.MultiplyAdd(a, b0, s20); s21 = TL.MultiplyAdd(a, b1, s21);
                a = TL.Load(ref q3, o);
                s30 = TL.MultiplyAdd(a, b0, s30); s31 = TL.MultiplyAdd(a, b1, s31);
                a = TL.Load(ref q4, o);
                s40 = TL.MultiplyAdd(a, b0, s40); s41 = TL.MultiplyAdd(a, b1, s41);
                a = TL.Load(ref q5, o);
                s50 = TL.MultiplyAdd(a, b0, s50); s51 = TL.MultiplyAdd(a, b1, s51);
                a = TL.Load(ref q6, o);
                s60 = TL.MultiplyAdd(a, b0, s60); s61 = TL.MultiplyAdd(a, b1, s61);
                a = TL.Load(ref q7, o);
                s70 = TL.MultiplyAdd(a, b0, s70); s71 = TL.MultiplyAdd(a, b1, s71);
            }
            Span<double> sums = [TL.Sum(s00), TL.Sum(s01), TL.Sum(s10), TL.Sum(s11), TL.Sum(s20), TL.Sum(s21), TL.Sum(s30), TL.Sum(s31),
                TL.Sum(s40), TL.Sum(s41), TL.Sum(s50), TL.Sum(s51), TL.Sum(s60), TL.Sum(s61), TL.Sum(s70), TL.Sum(s71)];
            for (; i < length; i++)
                for (int r = 0; r < 8; r++)
                    for (int c = 0; c < 2; c++)
                        sums[2 * r + c] += Unsafe.Add(ref q, (nuint)r * stride + (nuint)i) * Unsafe.Add(ref p, (nuint)c * stride + (nuint)i);
            for (int r = 0; r < 8; r++)
                for (int c = 0; c < 2; c++)
                    Unsafe.Add(ref w, (nuint)r * ws + (nuint)c) += sums[2 * r + c];
        }

        /// <summary>
        /// P[rows, 0..3] += Σ_c Q[rows, c]·W[c, 0..3] on a tile of 4 vectors of rows × 4 columns of P, held in
        /// registers across all qn columns of Q.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Add4x4(ref double q, nuint stride, int qn, ref double w, nuint ws, ref double p)
        {
            nuint l = (nuint)TL.Count;
            ref double p1 = ref Unsafe.Add(ref p, stride), p2 = ref Unsafe.Add(ref p1, stride), p3 = ref Unsafe.Add(ref p2, stride);
            TV r00 = TL.Load(ref p, 0), r10 = TL.Load(ref p, l), r20 = TL.Load(ref p, 2 * l), r30 = TL.Load(ref p, 3 * l);
            TV r01 = TL.Load(ref p1, 0), r11 = TL.Load(ref p1, l), r21 = TL.Load(ref p1, 2 * l), r31 = TL.Load(ref p1, 3 * l);
            TV r02 = TL.Load(ref p2, 0), r12 = TL.Load(ref p2, l), r22 = TL.Load(ref p2, 2 * l), r32 = TL.Load(ref p2, 3 * l);
            TV r03 = TL.Load(ref p3, 0), r13 = TL.Load(ref p3, l), r23 = TL.Load(ref p3, 2 * l), r33 = TL.Load(ref p3, 3 * l);
            for (int c = 0; c < qn; c++)
            {
                ref double qc = ref Unsafe.Add(ref q, (nuint)(uint)c * stride);
                ref double wc = ref Unsafe.Add(ref w, (nuint)(uint)c * ws);
                TV a0 = TL.Load(ref qc, 0), a1 = TL.Load(ref qc, l), a2 = TL.Load(ref qc, 2 * l), a3 = TL.Load(ref qc, 3 * l);
                TV m = TL.Broadcast(wc);
                r00 = TL.MultiplyAdd(a0, m, r00); r10 = TL.MultiplyAdd(a1, m, r10); r20 = TL.MultiplyAdd(a2, m, r20); r30 = TL.MultiplyAdd(a3, m, r30);
                m = TL.Broadcast(Unsafe.Add(ref wc, 1));
                r01 = TL.MultiplyAdd(a0, m, r01); r11 = TL.MultiplyAdd(a1, m, r11); r21 = TL.MultiplyAdd(a2, m, r21); r31 = TL.MultiplyAdd(a3, m, r31);
                m = TL.Broadcast(Unsafe.Add(ref wc, 2));
                r02 = TL.MultiplyAdd(a0, m, r02); r12 = TL.MultiplyAdd(a1, m, r12); r22 = TL.MultiplyAdd(a2, m, r22); r32 = TL.MultiplyAdd(a3, m, r32);
                m = TL.Broadcast(Unsafe.Add(ref wc, 3));
                r03 = TL.MultiplyAdd(a0, m, r03); r13 = TL.MultiplyAdd(a1, m, r13); r23 = TL.MultiplyAdd(a2, m, r23); r33 = TL.MultiplyAdd(a3, m, r33);
            }
            TL.Store(r00, ref p, 0); TL.Store(r10, ref p, l); TL.Store(r20, ref p, 2 * l); TL.Store(r30, ref p, 3 * l);
            TL.Store(r01, ref p1, 0); TL.Store(r11, ref p1, l); TL.Store(r21, ref p1, 2 * l); TL.Store(r31, ref p1, 3 * l);
            TL.Store(r02, ref p2, 0); TL.Store(r12, ref p2, l); TL.Store(r22, ref p2, 2 * l); TL.Store(r32, ref p2, 3 * l);
            TL.Store(r03, ref p3, 0); TL.Store(r13, ref p3, l); TL.Store(r23, ref p3, 2 * l); TL.Store(r33, ref p3, 3 * l);
        }

        static void ForEach(int count, Action<int> body)
        {
            if (count == 1) body(0);
            else Parallel.For(0, count, body);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static double Dot(ref double x, ref double y, int length)
        {
            TV s0 = TL.Zero, s1 = TL.Zero;
            int i = 0;
            for (; i + 2 * TL.Count <= length; i += 2 * TL.Count)
            {
                s0 = TL.MultiplyAdd(TL.Load(ref x, (nuint)i), TL.Load(ref y, (nuint)i), s0);
                s1 = TL.MultiplyAdd(TL.Load(ref x, (nuint)(i + TL.Count)), TL.Load(ref y, (nuint)(i + TL.Count)), s1);
            }
            double sum = TL.Sum(s0) + TL.Sum(s1);
            for (; i < length; i++) sum += Unsafe.Add(ref x, i) * Unsafe.Add(ref y, i);
            return sum;
        }

        /// <summary>y += alpha·x.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Axpy(double alpha, ref double x, ref double y, int length)
        {
            TV m = TL.Broadcast(alpha);
            int i = 0;
            for (; i + TL.Count <= length; i += TL.Count)
                TL.Store(TL.MultiplyAdd(TL.Load(ref x, (nuint)i), m, TL.Load(ref y, (nuint)i)), ref y, (nuint)i);
            for (; i < length; i++) Unsafe.Add(ref y, i) += alpha * Unsafe.Add(ref x, i);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Scale(double factor, ref double x, int length)
        {
            for (int i = 0; i < length; i++) Unsafe.Add(ref x, i) *= factor;
        }
    }

    /// <summary>The few vector operations the kernels need, so that each is written once for every width.</summary>
    interface ILanes<TV>
    {
        static abstract int Count { get; }
        static abstract TV Zero { get; }
        static abstract TV Load(ref double source, nuint offset);
        static abstract void Store(TV value, ref double destination, nuint offset);
        static abstract TV Broadcast(double value);
        static abstract TV MultiplyAdd(TV a, TV b, TV addend);
        static abstract double Sum(TV value);
    }

    readonly struct Lanes512 : ILanes<Vector512<double>>
    {
        public static int Count => Vector512<double>.Count;
        public static Vector512<double> Zero => Vector512<double>.Zero;
        public static Vector512<double> Load(ref double source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);
        public static void Store(Vector512<double> value, ref double destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
        public static Vector512<double> Broadcast(double value) => Vector512.Create(value);
        public static Vector512<double> MultiplyAdd(Vector512<double> a, Vector512<double> b, Vector512<double> addend) => Vector512.FusedMultiplyAdd(a, b, addend);
        public static double Sum(Vector512<double> value) => Vector512.Sum(value);
    }

    readonly struct Lanes256 : ILanes<Vector256<double>>
    {
        public static int Count => Vector256<double>.Count;
        public static Vector256<double> Zero => Vector256<double>.Zero;
        public static Vector256<double> Load(ref double source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);
        public static void Store(Vector256<double> value, ref double destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
        public static Vector256<double> Broadcast(double value) => Vector256.Create(value);
        public static Vector256<double> MultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> addend) => Vector256.FusedMultiplyAdd(a, b, addend);
        public static double Sum(Vector256<double> value) => Vector256.Sum(value);
    }

    /// <summary>One lane: the same kernels on machines without 256-bit vectors.</summary>
    readonly struct LanesScalar : ILanes<double>
    {
        public static int Count => 1;
        public static double Zero => 0;
        public static double Load(ref double source, nuint offset) => Unsafe.Add(ref source, offset);
        public static void Store(double value, ref double destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;
        public static double Broadcast(double value) => value;
        public static double MultiplyAdd(double a, double b, double addend) => Math.FusedMultiplyAdd(a, b, addend);
        public static double Sum(double value) => value;
    }
}
