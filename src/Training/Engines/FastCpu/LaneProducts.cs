using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>
/// The matrix products of the lane-major recurrence, register-blocked. A block's row of values is <c>rows</c>
/// vectors (R: 4 for a full batch, 1 for a batch that fits one vector), all of which advance together, so each
/// broadcast weight feeds R multiply–adds and each loaded vector several: <see cref="Product"/> keeps a tile of
/// 4 vectors × 6 units (24 accumulators of the 32 registers AVX-512 has) in registers, or 1 × 8 at R = 1. Weights are read as broadcast
/// scalars from the Keras-order vector (BPTT reads a transposed copy, so that its products are the same kernel).
/// Weight gradients reduce over time and windows: <see cref="PackedOuterProduct"/> for hidden sizes that fill whole
/// vectors (a matrix product on a transposed copy of the deltas, vectorised over units, no reduction across lanes),
/// <see cref="OuterProductSum"/> for the rest.
/// Indexing goes through refs because the callers' slices already bound every index (asserted in debug builds).
/// </summary>
static class LaneProducts<V, L, S> where V : unmanaged where L : IVectorLanes<V> where S : ILaneWeights
{
    /// <summary>Weight <paramref name="index"/> after <paramref name="w"/>, in every lane (<see cref="ILaneWeights.Load"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Weight(ref float w, int index) => S.Load<V, L>(ref w, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static ref float At(ref float w, int index) => ref S.At<V, L>(ref w, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Accumulate(Span<float> grad, int index, V value) => S.Accumulate<V, L>(ref MemoryMarshal.GetReference(grad), index, value);

    /// <summary>
    /// Whether the CPU has 32 vector registers (AVX-512, or ARM64), which the large tiles need: with AVX2's 16 their
    /// accumulators would spill, so there the products keep to tiles of a single unit.
    /// </summary>
    public static bool ManyRegisters { get; } = Avx512F.IsSupported || !X86Base.IsSupported;

    /// <summary>
    /// result[j] = bias[j] (or 0 when <paramref name="bias"/> &lt; 0) + Σ_i a[i]·Wa[i, j] + Σ_i b[i]·Wb[i, j], each of a,
    /// b and result a row of R = <paramref name="rows"/> vectors per unit (R = 1 or 4), the weights row-major
    /// [inputs × columns] at <paramref name="aWeights"/> and <paramref name="bWeights"/> (b may be empty). Inlined, so
    /// that a step of a few units (the tutorial's 3, one vector per row) costs no call: its units go one at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Product(ReadOnlySpan<float> w, int bias, ReadOnlySpan<V> a, int aWeights, ReadOnlySpan<V> b, int bWeights, Span<V> result, int rows)
    {
        Debug.Assert(rows is 1 or 4 && result.Length % rows == 0 && a.Length % rows == 0 && b.Length % rows == 0);
        Debug.Assert((aWeights + a.Length / rows * (result.Length / rows)) * S.Floats<V, L>() <= w.Length);
        Debug.Assert((bWeights + b.Length / rows * (result.Length / rows)) * S.Floats<V, L>() <= w.Length);
        if (rows == 1 && result.Length < 8) Units(ref MemoryMarshal.GetReference(w), bias, a, aWeights, b, bWeights, result.Length, 0, ref MemoryMarshal.GetReference(result));
        else Tiled(w, bias, a, aWeights, b, bWeights, result, rows);
    }

    /// <summary><see cref="Product"/> in tiles: 4 × 6 at 4 vectors per row, 1 × 8 at one, then single units.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Tiled(ReadOnlySpan<float> w, int bias, ReadOnlySpan<V> a, int aWeights, ReadOnlySpan<V> b, int bWeights, Span<V> result, int rows)
    {
        int columns = result.Length / rows;
        ref float w0 = ref MemoryMarshal.GetReference(w);
        ref V out0 = ref MemoryMarshal.GetReference(result);
        int j = 0;
        if (rows == 1)
        {
            for (; j + 8 <= columns; j += 8) Tile1x8(ref w0, bias, a, aWeights, b, bWeights, columns, j, ref Unsafe.Add(ref out0, j));
            Units(ref w0, bias, a, aWeights, b, bWeights, columns, j, ref out0);
            return;
        }
        if (ManyRegisters)
            for (; j + 6 <= columns; j += 6) Tile4x6(ref w0, bias, a, aWeights, b, bWeights, columns, j, ref Unsafe.Add(ref out0, j * 4));
        for (; j < columns; j++)
        {
            // One unit at a time: 4 independent chains.
            V s0 = bias < 0 ? L.Zero : Weight(ref w0, bias + j), s1 = s0, s2 = s0, s3 = s0;
            for (int source = 0; source < 2; source++)
            {
                var x = source == 0 ? a : b;
                ref V x0 = ref MemoryMarshal.GetReference(x);
                ref float c = ref At(ref w0, (source == 0 ? aWeights : bWeights) + j);
                for (int i = 0, inputs = x.Length / 4; i < inputs; i++)
                {
                    var weight = Weight(ref c, i * columns);
                    ref V xi = ref Unsafe.Add(ref x0, i * 4);
                    s0 = L.FusedMultiplyAdd(xi, weight, s0); s1 = L.FusedMultiplyAdd(Unsafe.Add(ref xi, 1), weight, s1);
                    s2 = L.FusedMultiplyAdd(Unsafe.Add(ref xi, 2), weight, s2); s3 = L.FusedMultiplyAdd(Unsafe.Add(ref xi, 3), weight, s3);
                }
            }
            ref V o = ref Unsafe.Add(ref out0, j * 4);
            o = s0; Unsafe.Add(ref o, 1) = s1; Unsafe.Add(ref o, 2) = s2; Unsafe.Add(ref o, 3) = s3;
        }
    }

    /// <summary>Units j0 … columns − 1 of <see cref="Product"/> at one vector per row, one at a time (short chains, which the CPU overlaps).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Units(ref float w0, int bias, ReadOnlySpan<V> a, int aWeights, ReadOnlySpan<V> b, int bWeights, int columns, int j0, ref V out0)
    {
        for (int j = j0; j < columns; j++)
        {
            V s = bias < 0 ? L.Zero : Weight(ref w0, bias + j);
            ref V x0 = ref MemoryMarshal.GetReference(a);
            ref float c = ref At(ref w0, aWeights + j);
            for (int i = 0; i < a.Length; i++) s = L.FusedMultiplyAdd(Unsafe.Add(ref x0, i), Weight(ref c, i * columns), s);
            x0 = ref MemoryMarshal.GetReference(b);
            c = ref At(ref w0, bWeights + j);
            for (int i = 0; i < b.Length; i++) s = L.FusedMultiplyAdd(Unsafe.Add(ref x0, i), Weight(ref c, i * columns), s);
            Unsafe.Add(ref out0, j) = s;
        }
    }

    /// <summary>Units j … j + 5 of <see cref="Product"/> for 4 vectors per row: 24 accumulators, each weight broadcast once for 4 multiply–adds.</summary>
    // Too large to inline: compiled fully optimised on its own, as a tier-0 copy ran 10× slower for the first epochs.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Tile4x6(ref float w0, int bias, ReadOnlySpan<V> a, int aWeights, ReadOnlySpan<V> b, int bWeights, int columns, int j, ref V o)
    {
        V a00, a01, a02, a03, a04, a05;
        if (bias < 0) a00 = a01 = a02 = a03 = a04 = a05 = L.Zero;
        else
        {
            ref float bj = ref At(ref w0, bias + j);
            a00 = Weight(ref bj, 0); a01 = Weight(ref bj, 1); a02 = Weight(ref bj, 2);
            a03 = Weight(ref bj, 3); a04 = Weight(ref bj, 4); a05 = Weight(ref bj, 5);
        }
        V a10 = a00, a11 = a01, a12 = a02, a13 = a03, a14 = a04, a15 = a05;
        V a20 = a00, a21 = a01, a22 = a02, a23 = a03, a24 = a04, a25 = a05;
        V a30 = a00, a31 = a01, a32 = a02, a33 = a03, a34 = a04, a35 = a05;
        for (int source = 0; source < 2; source++)
        {
            var x = source == 0 ? a : b;
            ref V x0 = ref MemoryMarshal.GetReference(x);
            ref float c = ref At(ref w0, (source == 0 ? aWeights : bWeights) + j);
            for (int i = 0, inputs = x.Length / 4; i < inputs; i++)
            {
                ref V xi = ref Unsafe.Add(ref x0, i * 4);
                V v0 = xi, v1 = Unsafe.Add(ref xi, 1), v2 = Unsafe.Add(ref xi, 2), v3 = Unsafe.Add(ref xi, 3);
                ref float r = ref At(ref c, i * columns);
                var c0 = Weight(ref r, 0); a00 = L.FusedMultiplyAdd(v0, c0, a00); a10 = L.FusedMultiplyAdd(v1, c0, a10); a20 = L.FusedMultiplyAdd(v2, c0, a20); a30 = L.FusedMultiplyAdd(v3, c0, a30);
                var c1 = Weight(ref r, 1); a01 = L.FusedMultiplyAdd(v0, c1, a01); a11 = L.FusedMultiplyAdd(v1, c1, a11); a21 = L.FusedMultiplyAdd(v2, c1, a21); a31 = L.FusedMultiplyAdd(v3, c1, a31);
                var c2 = Weight(ref r, 2); a02 = L.FusedMultiplyAdd(v0, c2, a02); a12 = L.FusedMultiplyAdd(v1, c2, a12); a22 = L.FusedMultiplyAdd(v2, c2, a22); a32 = L.FusedMultiplyAdd(v3, c2, a32);
                var c3 = Weight(ref r, 3); a03 = L.FusedMultiplyAdd(v0, c3, a03); a13 = L.FusedMultiplyAdd(v1, c3, a13); a23 = L.FusedMultiplyAdd(v2, c3, a23); a33 = L.FusedMultiplyAdd(v3, c3, a33);
                var c4 = Weight(ref r, 4); a04 = L.FusedMultiplyAdd(v0, c4, a04); a14 = L.FusedMultiplyAdd(v1, c4, a14); a24 = L.FusedMultiplyAdd(v2, c4, a24); a34 = L.FusedMultiplyAdd(v3, c4, a34);
                var c5 = Weight(ref r, 5); a05 = L.FusedMultiplyAdd(v0, c5, a05); a15 = L.FusedMultiplyAdd(v1, c5, a15); a25 = L.FusedMultiplyAdd(v2, c5, a25); a35 = L.FusedMultiplyAdd(v3, c5, a35);
            }
        }
        o = a00; Unsafe.Add(ref o, 1) = a10; Unsafe.Add(ref o, 2) = a20; Unsafe.Add(ref o, 3) = a30;
        Unsafe.Add(ref o, 4) = a01; Unsafe.Add(ref o, 5) = a11; Unsafe.Add(ref o, 6) = a21; Unsafe.Add(ref o, 7) = a31;
        Unsafe.Add(ref o, 8) = a02; Unsafe.Add(ref o, 9) = a12; Unsafe.Add(ref o, 10) = a22; Unsafe.Add(ref o, 11) = a32;
        Unsafe.Add(ref o, 12) = a03; Unsafe.Add(ref o, 13) = a13; Unsafe.Add(ref o, 14) = a23; Unsafe.Add(ref o, 15) = a33;
        Unsafe.Add(ref o, 16) = a04; Unsafe.Add(ref o, 17) = a14; Unsafe.Add(ref o, 18) = a24; Unsafe.Add(ref o, 19) = a34;
        Unsafe.Add(ref o, 20) = a05; Unsafe.Add(ref o, 21) = a15; Unsafe.Add(ref o, 22) = a25; Unsafe.Add(ref o, 23) = a35;
    }

    /// <summary>Units j … j + 7 of <see cref="Product"/> for 1 vector per row: 8 independent chains per loaded vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Tile1x8(ref float w0, int bias, ReadOnlySpan<V> a, int aWeights, ReadOnlySpan<V> b, int bWeights, int columns, int j, ref V o)
    {
        V a0, a1, a2, a3, a4, a5, a6, a7;
        if (bias < 0) a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = L.Zero;
        else
        {
            ref float bj = ref At(ref w0, bias + j);
            a0 = Weight(ref bj, 0); a1 = Weight(ref bj, 1); a2 = Weight(ref bj, 2); a3 = Weight(ref bj, 3);
            a4 = Weight(ref bj, 4); a5 = Weight(ref bj, 5); a6 = Weight(ref bj, 6); a7 = Weight(ref bj, 7);
        }
        for (int source = 0; source < 2; source++)
        {
            var x = source == 0 ? a : b;
            ref V x0 = ref MemoryMarshal.GetReference(x);
            ref float c = ref At(ref w0, (source == 0 ? aWeights : bWeights) + j);
            for (int i = 0; i < x.Length; i++)
            {
                var v = Unsafe.Add(ref x0, i);
                ref float r = ref At(ref c, i * columns);
                a0 = L.FusedMultiplyAdd(v, Weight(ref r, 0), a0); a1 = L.FusedMultiplyAdd(v, Weight(ref r, 1), a1);
                a2 = L.FusedMultiplyAdd(v, Weight(ref r, 2), a2); a3 = L.FusedMultiplyAdd(v, Weight(ref r, 3), a3);
                a4 = L.FusedMultiplyAdd(v, Weight(ref r, 4), a4); a5 = L.FusedMultiplyAdd(v, Weight(ref r, 5), a5);
                a6 = L.FusedMultiplyAdd(v, Weight(ref r, 6), a6); a7 = L.FusedMultiplyAdd(v, Weight(ref r, 7), a7);
            }
        }
        o = a0; Unsafe.Add(ref o, 1) = a1; Unsafe.Add(ref o, 2) = a2; Unsafe.Add(ref o, 3) = a3;
        Unsafe.Add(ref o, 4) = a4; Unsafe.Add(ref o, 5) = a5; Unsafe.Add(ref o, 6) = a6; Unsafe.Add(ref o, 7) = a7;
    }

    /// <summary>
    /// grad[i, j] += Σ_{t ≥ firstStep} Σ_r Σ_lanes x[(t·inputs + i)·R + r]·delta[(t·units + j)·R + r]: a weight gradient
    /// as one reduction over time and windows, in 2 × 4 tiles of vector sums, reduced across lanes once per tile (or, for
    /// models in lanes, added lane by lane: <see cref="ILaneWeights.Accumulate"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void OuterProductSum(ReadOnlySpan<V> x, int inputs, int firstStep, ReadOnlySpan<V> delta, int units, int steps, int rows, Span<float> grad)
    {
        Debug.Assert(x.Length >= steps * inputs * rows && delta.Length >= steps * units * rows && grad.Length == inputs * units * S.Floats<V, L>());
        ref V x0 = ref MemoryMarshal.GetReference(x);
        ref V d0 = ref MemoryMarshal.GetReference(delta);
        int i = 0;
        for (; i + 2 <= inputs; i += 2)
        {
            int j = 0;
            for (; j + 4 <= units; j += 4)
            {
                V s00 = L.Zero, s01 = L.Zero, s02 = L.Zero, s03 = L.Zero, s10 = L.Zero, s11 = L.Zero, s12 = L.Zero, s13 = L.Zero;
                for (int t = firstStep; t < steps; t++)
                {
                    ref V xt = ref Unsafe.Add(ref x0, (t * inputs + i) * rows);
                    ref V dt = ref Unsafe.Add(ref d0, (t * units + j) * rows);
                    for (int r = 0; r < rows; r++)
                    {
                        V a = Unsafe.Add(ref xt, r), c = Unsafe.Add(ref xt, rows + r);
                        ref V d = ref Unsafe.Add(ref dt, r);
                        V e0 = d, e1 = Unsafe.Add(ref d, rows), e2 = Unsafe.Add(ref d, 2 * rows), e3 = Unsafe.Add(ref d, 3 * rows);
                        s00 = L.FusedMultiplyAdd(a, e0, s00); s01 = L.FusedMultiplyAdd(a, e1, s01);
                        s02 = L.FusedMultiplyAdd(a, e2, s02); s03 = L.FusedMultiplyAdd(a, e3, s03);
                        s10 = L.FusedMultiplyAdd(c, e0, s10); s11 = L.FusedMultiplyAdd(c, e1, s11);
                        s12 = L.FusedMultiplyAdd(c, e2, s12); s13 = L.FusedMultiplyAdd(c, e3, s13);
                    }
                }
                int g0 = i * units + j, g1 = g0 + units;
                Accumulate(grad, g0, s00); Accumulate(grad, g0 + 1, s01); Accumulate(grad, g0 + 2, s02); Accumulate(grad, g0 + 3, s03);
                Accumulate(grad, g1, s10); Accumulate(grad, g1 + 1, s11); Accumulate(grad, g1 + 2, s12); Accumulate(grad, g1 + 3, s13);
            }
            for (; j < units; j++)
            {
                V s0 = L.Zero, s1 = L.Zero;
                for (int t = firstStep; t < steps; t++)
                    for (int r = 0; r < rows; r++)
                    {
                        var d = Unsafe.Add(ref d0, (t * units + j) * rows + r);
                        ref V xi = ref Unsafe.Add(ref x0, (t * inputs + i) * rows + r);
                        s0 = L.FusedMultiplyAdd(xi, d, s0);
                        s1 = L.FusedMultiplyAdd(Unsafe.Add(ref xi, rows), d, s1);
                    }
                Accumulate(grad, i * units + j, s0);
                Accumulate(grad, (i + 1) * units + j, s1);
            }
        }
        for (; i < inputs; i++)
            for (int j = 0; j < units; j++)
            {
                var s = L.Zero;
                for (int t = firstStep; t < steps; t++)
                    for (int r = 0; r < rows; r++)
                        s = L.FusedMultiplyAdd(Unsafe.Add(ref x0, (t * inputs + i) * rows + r), Unsafe.Add(ref d0, (t * units + j) * rows + r), s);
                Accumulate(grad, i * units + j, s);
            }
    }

    /// <summary>
    /// delta's row of one step, <paramref name="units"/> × R vectors, transposed into <paramref name="packed"/>: one row of
    /// <paramref name="units"/> floats per window (R × lanes rows), for <see cref="PackedOuterProduct"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Pack(ReadOnlySpan<V> delta, int units, int rows, Span<float> packed)
    {
        var d = MemoryMarshal.Cast<V, float>(delta);
        Debug.Assert(d.Length == units * rows * L.Count && packed.Length == d.Length);
        if (typeof(V) == typeof(Vector512<float>) && Avx512F.IsSupported && units % 16 == 0)
        {
            PackBy16x16(MemoryMarshal.Cast<V, Vector512<float>>(delta), units, rows, packed);
            return;
        }
        ref float d0 = ref MemoryMarshal.GetReference(d);
        ref float p0 = ref MemoryMarshal.GetReference(packed);
        for (int window = 0, windows = rows * L.Count; window < windows; window++)
        {
            int r = window / L.Count, lane = window - r * L.Count;
            ref float source = ref Unsafe.Add(ref d0, r * L.Count + lane);
            ref float row = ref Unsafe.Add(ref p0, window * units);
            for (int j = 0; j < units; j++) Unsafe.Add(ref row, j) = Unsafe.Add(ref source, j * rows * L.Count);
        }
    }

    /// <summary>
    /// <see cref="Pack"/> on 512-bit vectors: each row's 16 units × 16 windows transposed in registers (four rounds of
    /// shuffles, 64 for 256 floats) instead of 256 scalar loads and stores from strided addresses, which took about a
    /// tenth of w3's training time. Moves the same floats to the same places. Named locals, not arrays, so that the
    /// 16 vectors stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void PackBy16x16(ReadOnlySpan<Vector512<float>> delta, int units, int rows, Span<float> packed)
    {
        ref Vector512<float> d0 = ref MemoryMarshal.GetReference(delta);
        ref float p0 = ref MemoryMarshal.GetReference(packed);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < units; j += 16)
            {
                // Unit j + k's vector of the row's 16 windows.
                ref Vector512<float> unit = ref Unsafe.Add(ref d0, j * rows + r);
                var a0 = Unsafe.Add(ref unit, 0 * rows);
                var a1 = Unsafe.Add(ref unit, 1 * rows);
                var a2 = Unsafe.Add(ref unit, 2 * rows);
                var a3 = Unsafe.Add(ref unit, 3 * rows);
                var a4 = Unsafe.Add(ref unit, 4 * rows);
                var a5 = Unsafe.Add(ref unit, 5 * rows);
                var a6 = Unsafe.Add(ref unit, 6 * rows);
                var a7 = Unsafe.Add(ref unit, 7 * rows);
                var a8 = Unsafe.Add(ref unit, 8 * rows);
                var a9 = Unsafe.Add(ref unit, 9 * rows);
                var a10 = Unsafe.Add(ref unit, 10 * rows);
                var a11 = Unsafe.Add(ref unit, 11 * rows);
                var a12 = Unsafe.Add(ref unit, 12 * rows);
                var a13 = Unsafe.Add(ref unit, 13 * rows);
                var a14 = Unsafe.Add(ref unit, 14 * rows);
                var a15 = Unsafe.Add(ref unit, 15 * rows);
                // Pairs of rows interleaved by floats, then by pairs of floats: per 128-bit quarter q, u[4g + e] holds
                // element 4q + e of rows 4g … 4g + 3.
                var t0 = Avx512F.UnpackLow(a0, a1); var t1 = Avx512F.UnpackHigh(a0, a1);
                var t2 = Avx512F.UnpackLow(a2, a3); var t3 = Avx512F.UnpackHigh(a2, a3);
                var t4 = Avx512F.UnpackLow(a4, a5); var t5 = Avx512F.UnpackHigh(a4, a5);
                var t6 = Avx512F.UnpackLow(a6, a7); var t7 = Avx512F.UnpackHigh(a6, a7);
                var t8 = Avx512F.UnpackLow(a8, a9); var t9 = Avx512F.UnpackHigh(a8, a9);
                var t10 = Avx512F.UnpackLow(a10, a11); var t11 = Avx512F.UnpackHigh(a10, a11);
                var t12 = Avx512F.UnpackLow(a12, a13); var t13 = Avx512F.UnpackHigh(a12, a13);
                var t14 = Avx512F.UnpackLow(a14, a15); var t15 = Avx512F.UnpackHigh(a14, a15);
                var u0 = Avx512F.UnpackLow(t0.AsDouble(), t2.AsDouble()).AsSingle(); var u1 = Avx512F.UnpackHigh(t0.AsDouble(), t2.AsDouble()).AsSingle();
                var u2 = Avx512F.UnpackLow(t1.AsDouble(), t3.AsDouble()).AsSingle(); var u3 = Avx512F.UnpackHigh(t1.AsDouble(), t3.AsDouble()).AsSingle();
                var u4 = Avx512F.UnpackLow(t4.AsDouble(), t6.AsDouble()).AsSingle(); var u5 = Avx512F.UnpackHigh(t4.AsDouble(), t6.AsDouble()).AsSingle();
                var u6 = Avx512F.UnpackLow(t5.AsDouble(), t7.AsDouble()).AsSingle(); var u7 = Avx512F.UnpackHigh(t5.AsDouble(), t7.AsDouble()).AsSingle();
                var u8 = Avx512F.UnpackLow(t8.AsDouble(), t10.AsDouble()).AsSingle(); var u9 = Avx512F.UnpackHigh(t8.AsDouble(), t10.AsDouble()).AsSingle();
                var u10 = Avx512F.UnpackLow(t9.AsDouble(), t11.AsDouble()).AsSingle(); var u11 = Avx512F.UnpackHigh(t9.AsDouble(), t11.AsDouble()).AsSingle();
                var u12 = Avx512F.UnpackLow(t12.AsDouble(), t14.AsDouble()).AsSingle(); var u13 = Avx512F.UnpackHigh(t12.AsDouble(), t14.AsDouble()).AsSingle();
                var u14 = Avx512F.UnpackLow(t13.AsDouble(), t15.AsDouble()).AsSingle(); var u15 = Avx512F.UnpackHigh(t13.AsDouble(), t15.AsDouble()).AsSingle();
                // Quarters: v[e] = [u_e.q0, u_e.q2, u_(4+e).q0, u_(4+e).q2], v[4 + e] the odd quarters; likewise rows 8 … 15.
                var v0 = Avx512F.Shuffle4x128(u0, u4, 0x88); var v4 = Avx512F.Shuffle4x128(u0, u4, 0xDD);
                var v1 = Avx512F.Shuffle4x128(u1, u5, 0x88); var v5 = Avx512F.Shuffle4x128(u1, u5, 0xDD);
                var v2 = Avx512F.Shuffle4x128(u2, u6, 0x88); var v6 = Avx512F.Shuffle4x128(u2, u6, 0xDD);
                var v3 = Avx512F.Shuffle4x128(u3, u7, 0x88); var v7 = Avx512F.Shuffle4x128(u3, u7, 0xDD);
                var v8 = Avx512F.Shuffle4x128(u8, u12, 0x88); var v12 = Avx512F.Shuffle4x128(u8, u12, 0xDD);
                var v9 = Avx512F.Shuffle4x128(u9, u13, 0x88); var v13 = Avx512F.Shuffle4x128(u9, u13, 0xDD);
                var v10 = Avx512F.Shuffle4x128(u10, u14, 0x88); var v14 = Avx512F.Shuffle4x128(u10, u14, 0xDD);
                var v11 = Avx512F.Shuffle4x128(u11, u15, 0x88); var v15 = Avx512F.Shuffle4x128(u11, u15, 0xDD);
                // Window r·16 + c (c = 4q + e): quarter q of rows 0–3, 4–7, 8–11, 12–15, that is its units j … j + 15.
                ref float window = ref Unsafe.Add(ref p0, r * 16 * units + j);
                Store(ref window, 0, units, Avx512F.Shuffle4x128(v0, v8, 0x88)); Store(ref window, 8, units, Avx512F.Shuffle4x128(v0, v8, 0xDD));
                Store(ref window, 1, units, Avx512F.Shuffle4x128(v1, v9, 0x88)); Store(ref window, 9, units, Avx512F.Shuffle4x128(v1, v9, 0xDD));
                Store(ref window, 2, units, Avx512F.Shuffle4x128(v2, v10, 0x88)); Store(ref window, 10, units, Avx512F.Shuffle4x128(v2, v10, 0xDD));
                Store(ref window, 3, units, Avx512F.Shuffle4x128(v3, v11, 0x88)); Store(ref window, 11, units, Avx512F.Shuffle4x128(v3, v11, 0xDD));
                Store(ref window, 4, units, Avx512F.Shuffle4x128(v4, v12, 0x88)); Store(ref window, 12, units, Avx512F.Shuffle4x128(v4, v12, 0xDD));
                Store(ref window, 5, units, Avx512F.Shuffle4x128(v5, v13, 0x88)); Store(ref window, 13, units, Avx512F.Shuffle4x128(v5, v13, 0xDD));
                Store(ref window, 6, units, Avx512F.Shuffle4x128(v6, v14, 0x88)); Store(ref window, 14, units, Avx512F.Shuffle4x128(v6, v14, 0xDD));
                Store(ref window, 7, units, Avx512F.Shuffle4x128(v7, v15, 0x88)); Store(ref window, 15, units, Avx512F.Shuffle4x128(v7, v15, 0xDD));
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(ref float window, int lane, int units, Vector512<float> value) =>
        Unsafe.As<float, Vector512<float>>(ref Unsafe.Add(ref window, lane * units)) = value;

    /// <summary>
    /// grad[i, j] += Σ_{t ≥ firstStep} Σ_windows x[t, i] · packed[t, window, j]: <see cref="OuterProductSum"/> as a matrix
    /// product vectorised over units (units a multiple of the lanes), on deltas <see cref="Pack"/>ed per step. Tiles of
    /// 8 inputs × 2 vectors of units (16 accumulators): each x value (a broadcast straight from the lane-major rows) feeds
    /// 2 multiply–adds and each packed vector 8; the tile's gradient is loaded and stored once per step, so nothing is
    /// reduced across lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackedOuterProduct(ReadOnlySpan<V> x, int inputs, int firstStep, ReadOnlySpan<float> packed, int units, int steps, int rows, Span<float> grad)
    {
        int lanes = L.Count, windows = rows * lanes, vectors = units / lanes, stride = rows * lanes;
        Debug.Assert(units % lanes == 0 && x.Length >= steps * inputs * rows && packed.Length >= steps * windows * units && grad.Length == inputs * units);
        ref float x0 = ref Unsafe.As<V, float>(ref MemoryMarshal.GetReference(x));
        ref float p0 = ref MemoryMarshal.GetReference(packed);
        var gradient = MemoryMarshal.Cast<float, V>(grad);
        ref V g0 = ref MemoryMarshal.GetReference(gradient);
        for (int t = firstStep; t < steps; t++)
        {
            ref float xt = ref Unsafe.Add(ref x0, t * inputs * stride);
            ref float pt = ref Unsafe.Add(ref p0, t * windows * units);
            // Pairs of unit vectors outside, blocks of 8 inputs inside: the pair's 2 vectors × the block's windows of
            // packed deltas stay in L1 while every input block reads them (each gradient's sum order is unchanged).
            int fullInputs = inputs / 8 * 8, pairedVectors = vectors / 2 * 2;
            for (int v = 0; v < pairedVectors; v += 2)
                for (int i = 0; i < fullInputs; i += 8)
                {
                    ref V gi = ref Unsafe.Add(ref g0, i * vectors + v);
                    V s00 = gi, s01 = Unsafe.Add(ref gi, 1), s10 = Unsafe.Add(ref gi, vectors), s11 = Unsafe.Add(ref gi, vectors + 1);
                    V s20 = Unsafe.Add(ref gi, 2 * vectors), s21 = Unsafe.Add(ref gi, 2 * vectors + 1), s30 = Unsafe.Add(ref gi, 3 * vectors), s31 = Unsafe.Add(ref gi, 3 * vectors + 1);
                    V s40 = Unsafe.Add(ref gi, 4 * vectors), s41 = Unsafe.Add(ref gi, 4 * vectors + 1), s50 = Unsafe.Add(ref gi, 5 * vectors), s51 = Unsafe.Add(ref gi, 5 * vectors + 1);
                    V s60 = Unsafe.Add(ref gi, 6 * vectors), s61 = Unsafe.Add(ref gi, 6 * vectors + 1), s70 = Unsafe.Add(ref gi, 7 * vectors), s71 = Unsafe.Add(ref gi, 7 * vectors + 1);
                    ref float xw = ref Unsafe.Add(ref xt, i * stride);
                    ref float pw = ref Unsafe.Add(ref pt, v * lanes);
                    for (int window = 0; window < windows; window++)
                    {
                        ref float xi = ref Unsafe.Add(ref xw, window);
                        ref V p = ref Unsafe.As<float, V>(ref Unsafe.Add(ref pw, window * units));
                        V e0 = p, e1 = Unsafe.Add(ref p, 1);
                        V c0 = L.Broadcast(xi), c1 = L.Broadcast(Unsafe.Add(ref xi, stride)), c2 = L.Broadcast(Unsafe.Add(ref xi, 2 * stride));
                        V c3 = L.Broadcast(Unsafe.Add(ref xi, 3 * stride)), c4 = L.Broadcast(Unsafe.Add(ref xi, 4 * stride));
                        V c5 = L.Broadcast(Unsafe.Add(ref xi, 5 * stride)), c6 = L.Broadcast(Unsafe.Add(ref xi, 6 * stride)), c7 = L.Broadcast(Unsafe.Add(ref xi, 7 * stride));
                        s00 = L.FusedMultiplyAdd(c0, e0, s00); s01 = L.FusedMultiplyAdd(c0, e1, s01); s10 = L.FusedMultiplyAdd(c1, e0, s10); s11 = L.FusedMultiplyAdd(c1, e1, s11);
                        s20 = L.FusedMultiplyAdd(c2, e0, s20); s21 = L.FusedMultiplyAdd(c2, e1, s21); s30 = L.FusedMultiplyAdd(c3, e0, s30); s31 = L.FusedMultiplyAdd(c3, e1, s31);
                        s40 = L.FusedMultiplyAdd(c4, e0, s40); s41 = L.FusedMultiplyAdd(c4, e1, s41); s50 = L.FusedMultiplyAdd(c5, e0, s50); s51 = L.FusedMultiplyAdd(c5, e1, s51);
                        s60 = L.FusedMultiplyAdd(c6, e0, s60); s61 = L.FusedMultiplyAdd(c6, e1, s61); s70 = L.FusedMultiplyAdd(c7, e0, s70); s71 = L.FusedMultiplyAdd(c7, e1, s71);
                    }
                    gi = s00; Unsafe.Add(ref gi, 1) = s01; Unsafe.Add(ref gi, vectors) = s10; Unsafe.Add(ref gi, vectors + 1) = s11;
                    Unsafe.Add(ref gi, 2 * vectors) = s20; Unsafe.Add(ref gi, 2 * vectors + 1) = s21;
                    Unsafe.Add(ref gi, 3 * vectors) = s30; Unsafe.Add(ref gi, 3 * vectors + 1) = s31;
                    Unsafe.Add(ref gi, 4 * vectors) = s40; Unsafe.Add(ref gi, 4 * vectors + 1) = s41;
                    Unsafe.Add(ref gi, 5 * vectors) = s50; Unsafe.Add(ref gi, 5 * vectors + 1) = s51;
                    Unsafe.Add(ref gi, 6 * vectors) = s60; Unsafe.Add(ref gi, 6 * vectors + 1) = s61;
                    Unsafe.Add(ref gi, 7 * vectors) = s70; Unsafe.Add(ref gi, 7 * vectors + 1) = s71;
                }
            for (int i = 0; i < fullInputs; i += 8)
                for (int v = pairedVectors; v < vectors; v++) PackedColumn(ref xt, ref pt, i, 8, v, units, rows, ref g0, vectors);
            for (int i = fullInputs; i < inputs; i++)
                for (int v = 0; v < vectors; v++) PackedColumn(ref xt, ref pt, i, 1, v, units, rows, ref g0, vectors);
        }
    }

    /// <summary>The edge of <see cref="PackedOuterProduct"/>: <paramref name="count"/> inputs from i, one vector of units.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void PackedColumn(ref float xt, ref float pt, int i, int count, int v, int units, int rows, ref V g0, int vectors)
    {
        int lanes = L.Count, stride = rows * lanes;
        for (int k = i; k < i + count; k++)
        {
            ref V g = ref Unsafe.Add(ref g0, k * vectors + v);
            V s0 = g, s1 = L.Zero;
            for (int window = 0; window + 1 < stride; window += 2)
            {
                ref float xk = ref Unsafe.Add(ref xt, k * stride + window);
                s0 = L.FusedMultiplyAdd(L.Broadcast(xk), Unsafe.As<float, V>(ref Unsafe.Add(ref pt, window * units + v * lanes)), s0);
                s1 = L.FusedMultiplyAdd(L.Broadcast(Unsafe.Add(ref xk, 1)), Unsafe.As<float, V>(ref Unsafe.Add(ref pt, (window + 1) * units + v * lanes)), s1);
            }
            g = L.Add(s0, s1);
        }
    }

    /// <summary>grad[j] += Σ_{t, windows} packed[t, window, j]: a bias's gradient from the packed deltas.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackedSum(ReadOnlySpan<float> packed, int units, int windows, Span<float> grad)
    {
        var sums = MemoryMarshal.Cast<float, V>(grad);
        var rowsOf = MemoryMarshal.Cast<float, V>(packed);
        int vectors = units / L.Count;
        for (int v = 0; v < vectors; v++)
        {
            V s0 = L.Zero, s1 = L.Zero;
            int row = 0;
            for (; row + 1 < windows; row += 2)
            {
                s0 = L.Add(s0, rowsOf[row * vectors + v]);
                s1 = L.Add(s1, rowsOf[(row + 1) * vectors + v]);
            }
            if (row < windows) s0 = L.Add(s0, rowsOf[row * vectors + v]);
            sums[v] = L.Add(sums[v], L.Add(s0, s1));
        }
    }
}
