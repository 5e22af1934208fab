using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>
/// The three matrix products of the lane-major recurrence, register-blocked: each loaded vector feeds several
/// independent multiply–add chains (eight where the shape allows), which hides the FMA latency and keeps the load
/// ports from being the limit. Weights are read as broadcast scalars straight from the Keras-order vector.
/// Indexing goes through refs because the callers' slices already bound every index (asserted in debug builds).
/// </summary>
static class LaneProducts<V, L> where V : unmanaged where L : IVectorLanes<V>
{
    /// <summary>next[j] = b[j] + Σ_i input[i]·Wx[i, j] + Σ_i previous[i]·Wh[i, j] (kernels row-major, [rows × units]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Affine(ReadOnlySpan<float> w, int kernel, int recurrent, int bias, int units,
        ReadOnlySpan<V> input, ReadOnlySpan<V> previous, Span<V> next)
    {
        Debug.Assert(next.Length == units && recurrent + previous.Length * units <= w.Length && kernel + input.Length * units <= w.Length);
        ref float w0 = ref MemoryMarshal.GetReference(w);
        ref V result = ref MemoryMarshal.GetReference(next);
        int j = 0;
        for (; j + 8 <= units; j += 8)
        {
            ref float b = ref Unsafe.Add(ref w0, bias + j);
            V a0 = L.Broadcast(b), a1 = L.Broadcast(Unsafe.Add(ref b, 1)), a2 = L.Broadcast(Unsafe.Add(ref b, 2)), a3 = L.Broadcast(Unsafe.Add(ref b, 3));
            V a4 = L.Broadcast(Unsafe.Add(ref b, 4)), a5 = L.Broadcast(Unsafe.Add(ref b, 5)), a6 = L.Broadcast(Unsafe.Add(ref b, 6)), a7 = L.Broadcast(Unsafe.Add(ref b, 7));
            for (int source = 0; source < 2; source++)
            {
                var rows = source == 0 ? input : previous;
                ref float column = ref Unsafe.Add(ref w0, (source == 0 ? kernel : recurrent) + j);
                for (int i = 0; i < rows.Length; i++)
                {
                    var v = rows[i];
                    ref float r = ref Unsafe.Add(ref column, i * units);
                    a0 = L.FusedMultiplyAdd(v, L.Broadcast(r), a0);
                    a1 = L.FusedMultiplyAdd(v, L.Broadcast(Unsafe.Add(ref r, 1)), a1);
                    a2 = L.FusedMultiplyAdd(v, L.Broadcast(Unsafe.Add(ref r, 2)), a2);
                    a3 = L.FusedMultiplyAdd(v, L.Broadcast(Unsafe.Add(ref r, 3)), a3);
                    a4 = L.FusedMultiplyAdd(v, L.Broadcast(Unsafe.Add(ref r, 4)), a4);
                    a5 = L.FusedMultiplyAdd(v, L.Broadcast(Unsafe.Add(ref r, 5)), a5);
                    a6 = L.FusedMultiplyAdd(v, L.Broadcast(Unsafe.Add(ref r, 6)), a6);
                    a7 = L.FusedMultiplyAdd(v, L.Broadcast(Unsafe.Add(ref r, 7)), a7);
                }
            }
            ref V o = ref Unsafe.Add(ref result, j);
            o = a0; Unsafe.Add(ref o, 1) = a1; Unsafe.Add(ref o, 2) = a2; Unsafe.Add(ref o, 3) = a3;
            Unsafe.Add(ref o, 4) = a4; Unsafe.Add(ref o, 5) = a5; Unsafe.Add(ref o, 6) = a6; Unsafe.Add(ref o, 7) = a7;
        }
        for (; j < units; j++)
        {
            var a = L.Broadcast(Unsafe.Add(ref w0, bias + j));
            for (int i = 0; i < input.Length; i++) a = L.FusedMultiplyAdd(input[i], L.Broadcast(Unsafe.Add(ref w0, kernel + i * units + j)), a);
            for (int i = 0; i < previous.Length; i++) a = L.FusedMultiplyAdd(previous[i], L.Broadcast(Unsafe.Add(ref w0, recurrent + i * units + j)), a);
            Unsafe.Add(ref result, j) = a;
        }
    }

    /// <summary>result[i] = Σ_j W[i, j]·delta[j] for W [result.Length × units] at <paramref name="offset"/>; eight rows at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TransposedProduct(ReadOnlySpan<float> w, int offset, int units, ReadOnlySpan<V> delta, Span<V> result)
    {
        Debug.Assert(delta.Length >= units && offset + result.Length * units <= w.Length);
        ref float w0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(w), offset);
        ref V d0 = ref MemoryMarshal.GetReference(delta);
        int rows = result.Length, i = 0;
        for (; i + 8 <= rows; i += 8)
        {
            ref float r = ref Unsafe.Add(ref w0, i * units);
            V s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (int j = 0; j < units; j++)
            {
                var d = Unsafe.Add(ref d0, j);
                ref float c = ref Unsafe.Add(ref r, j);
                s0 = L.FusedMultiplyAdd(d, L.Broadcast(c), s0);
                s1 = L.FusedMultiplyAdd(d, L.Broadcast(Unsafe.Add(ref c, units)), s1);
                s2 = L.FusedMultiplyAdd(d, L.Broadcast(Unsafe.Add(ref c, 2 * units)), s2);
                s3 = L.FusedMultiplyAdd(d, L.Broadcast(Unsafe.Add(ref c, 3 * units)), s3);
                s4 = L.FusedMultiplyAdd(d, L.Broadcast(Unsafe.Add(ref c, 4 * units)), s4);
                s5 = L.FusedMultiplyAdd(d, L.Broadcast(Unsafe.Add(ref c, 5 * units)), s5);
                s6 = L.FusedMultiplyAdd(d, L.Broadcast(Unsafe.Add(ref c, 6 * units)), s6);
                s7 = L.FusedMultiplyAdd(d, L.Broadcast(Unsafe.Add(ref c, 7 * units)), s7);
            }
            result[i] = s0; result[i + 1] = s1; result[i + 2] = s2; result[i + 3] = s3;
            result[i + 4] = s4; result[i + 5] = s5; result[i + 6] = s6; result[i + 7] = s7;
        }
        for (; i < rows; i++)
        {
            ref float r = ref Unsafe.Add(ref w0, i * units);
            var s = L.Zero;
            for (int j = 0; j < units; j++) s = L.FusedMultiplyAdd(Unsafe.Add(ref d0, j), L.Broadcast(Unsafe.Add(ref r, j)), s);
            result[i] = s;
        }
    }

    /// <summary>
    /// grad[i, j] += Σ_{t ≥ firstStep} Σ_lanes rows[t·width + i]·delta[t·units + j]: a weight gradient as one
    /// reduction over time and windows, in 2 × 4 tiles, reduced across lanes once per tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void OuterProductSum(ReadOnlySpan<V> rows, int width, int firstStep,
        ReadOnlySpan<V> delta, int units, int steps, Span<float> grad)
    {
        Debug.Assert(rows.Length >= steps * width && delta.Length >= steps * units && grad.Length == width * units);
        ref V r0 = ref MemoryMarshal.GetReference(rows);
        ref V d0 = ref MemoryMarshal.GetReference(delta);
        int i = 0;
        for (; i + 2 <= width; i += 2)
        {
            int j = 0;
            for (; j + 4 <= units; j += 4)
            {
                V s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default;
                for (int t = firstStep; t < steps; t++)
                {
                    ref V r = ref Unsafe.Add(ref r0, t * width + i);
                    ref V d = ref Unsafe.Add(ref d0, t * units + j);
                    V a = r, b = Unsafe.Add(ref r, 1);
                    V e0 = d, e1 = Unsafe.Add(ref d, 1), e2 = Unsafe.Add(ref d, 2), e3 = Unsafe.Add(ref d, 3);
                    s00 = L.FusedMultiplyAdd(a, e0, s00); s01 = L.FusedMultiplyAdd(a, e1, s01);
                    s02 = L.FusedMultiplyAdd(a, e2, s02); s03 = L.FusedMultiplyAdd(a, e3, s03);
                    s10 = L.FusedMultiplyAdd(b, e0, s10); s11 = L.FusedMultiplyAdd(b, e1, s11);
                    s12 = L.FusedMultiplyAdd(b, e2, s12); s13 = L.FusedMultiplyAdd(b, e3, s13);
                }
                var g0 = grad.Slice(i * units + j, 4);
                var g1 = grad.Slice((i + 1) * units + j, 4);
                g0[0] += L.Sum(s00); g0[1] += L.Sum(s01); g0[2] += L.Sum(s02); g0[3] += L.Sum(s03);
                g1[0] += L.Sum(s10); g1[1] += L.Sum(s11); g1[2] += L.Sum(s12); g1[3] += L.Sum(s13);
            }
            for (; j < units; j++)
            {
                V s0 = default, s1 = default;
                for (int t = firstStep; t < steps; t++)
                {
                    var d = Unsafe.Add(ref d0, t * units + j);
                    s0 = L.FusedMultiplyAdd(Unsafe.Add(ref r0, t * width + i), d, s0);
                    s1 = L.FusedMultiplyAdd(Unsafe.Add(ref r0, t * width + i + 1), d, s1);
                }
                grad[i * units + j] += L.Sum(s0);
                grad[(i + 1) * units + j] += L.Sum(s1);
            }
        }
        for (; i < width; i++)
            for (int j = 0; j < units; j++)
            {
                var s = L.Zero;
                for (int t = firstStep; t < steps; t++) s = L.FusedMultiplyAdd(Unsafe.Add(ref r0, t * width + i), Unsafe.Add(ref d0, t * units + j), s);
                grad[i * units + j] += L.Sum(s);
            }
    }
}
