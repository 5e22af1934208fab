using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuRnn.Kernels;

/// <summary>
/// BPTT of a one-layer network for batches, shaped for a GPU, in three launches: the head's deltas (a thread per
/// window), the recurrence backwards (a group per window, threads over hidden units, Wh in shared memory or, for large hidden sizes, read from global
/// memory) storing
/// every step's delta da, and one ordered reduction per parameter over the batch's windows and steps. The
/// reduction replaces the reference's per-window gradient rows and needs no atomics: each parameter's sum runs
/// window by window, last step first — ScalarEngine.Backward's order — so results are the same on every run.
/// </summary>
public static class GroupedBackwardKernel
{
    /// <summary>
    /// dz[row, k] = 2(o − y)/(B·outputs)·g′(o) and the gradient arriving at the last state,
    /// topGradient[row, j] = Σ_k dz_k·Wy[j, k]. One thread per window of the batch.
    /// </summary>
    public static void HeadDeltas(Index1D row, ArrayView<float> y, ArrayView<int> order, ArrayView<float> weights,
        ArrayView<float> outputs, ArrayView<float> headDeltas, ArrayView<float> topGradient, NetworkShape net, int start, int count)
    {
        int window = order[start + row];
        int units = net.TopUnits, outs = net.Outputs;
        var dz = headDeltas.SubView(row * outs, outs);
        for (int k = 0; k < outs; k++) dz[k] = CellMath.OutputDelta(outputs[row * outs + k], y[window * outs + k], count, net);
        for (int j = 0; j < units; j++) topGradient[row * units + j] = CellMath.BackThrough(weights, net.DenseKernelOffset + j * outs, 1, dz, outs);
    }

    /// <summary>
    /// Dynamic shared memory the backward recurrence needs: da double-buffered [2U] and dh [U], plus Wh [U²] for
    /// <see cref="Recurrence"/> (<paramref name="recurrentKernelInShared"/>); <see cref="RecurrenceGlobalWh"/> needs only the 3U
    /// (its transposed Wh is a global buffer of U² floats).
    /// </summary>
    public static int RecurrenceSharedFloats(LayerShape layer, bool recurrentKernelInShared = true) =>
        (recurrentKernelInShared ? layer.Units * layer.Units : 0) + 3 * layer.Units;

    /// <summary>
    /// Group <c>Grid.IdxX</c> runs row <c>Grid.IdxX</c> backwards in time: da_t = (dTop·[t = T−1] + dh_t)·f′(h_t),
    /// dh_{t−1} = da_t·Whᵀ, writing deltas[(row·T + t)·U + j] = da_t[j]. Wh is copied into shared memory first.
    /// Thread i owns dh[i]; da is double-buffered by step parity, so one barrier per step.
    /// </summary>
    [GroupedKernel]
    public static void Recurrence(ArrayView<float> weights, ArrayView<float> states, ArrayView<float> topGradient,
        ArrayView<float> deltas, NetworkShape net, LayerShape layer)
    {
        int units = layer.Units;
        var shared = SharedMemory.GetDynamic<float>();
        var wh = shared.SubView(0, units * units);
        for (int i = Group.IdxX; i < units * units; i += Group.DimX) wh[i] = weights[layer.RecurrentOffset + i];
        Steps(wh, units, 1, shared.SubView(units * units, 3 * units), states, topGradient, deltas, net, layer);
    }

    /// <summary>
    /// transposed[j·U + i] = Wh[i, j], one thread per element, launched over U² before <see cref="RecurrenceGlobalWh"/>
    /// (the weights change after every Adam step), so that its dh = da·Whᵀ reads Wh coalesced across a warp.
    /// </summary>
    public static void TransposeRecurrentKernel(Index1D index, ArrayView<float> weights, ArrayView<float> transposed, LayerShape layer)
    {
        int units = layer.Units;
        transposed[index] = weights[layer.RecurrentOffset + index % units * units + index / units];
    }

    /// <summary>
    /// <see cref="Recurrence"/> for hidden sizes whose Wh does not fit shared memory: the same sums in the same order,
    /// with Wh read from global memory (L2-cached on a GPU) as <paramref name="transposedWh"/>, the copy
    /// <see cref="TransposeRecurrentKernel"/> made, so that thread i's reads of row i of Wh are contiguous across a
    /// warp. Only da [2U] and dh [U] are in shared memory.
    /// </summary>
    [GroupedKernel]
    public static void RecurrenceGlobalWh(ArrayView<float> transposedWh, ArrayView<float> states, ArrayView<float> topGradient,
        ArrayView<float> deltas, NetworkShape net, LayerShape layer)
    {
        int units = layer.Units;
        Steps(transposedWh, 1, units, SharedMemory.GetDynamic<float>().SubView(0, 3 * units), states, topGradient, deltas, net, layer);
    }

    /// <summary>
    /// The backward recurrence both entry points share: Wh[i, j] = wh[i·<paramref name="rowStride"/> + j·<paramref name="columnStride"/>]
    /// (Wh in shared memory, or its transpose in global memory); da [2U], dh [U] in <paramref name="scratch"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Steps(ArrayView<float> wh, int rowStride, int columnStride, ArrayView<float> scratch, ArrayView<float> states, ArrayView<float> topGradient,
        ArrayView<float> deltas, NetworkShape net, LayerShape layer)
    {
        int row = Grid.IdxX, tid = Group.IdxX, threads = Group.DimX;
        int units = layer.Units, steps = net.TimeSteps;
        var da = scratch.SubView(0, 2 * units);
        var dh = scratch.SubView(2 * units, units);
        int stateBase = row * net.StateStride + layer.StateOffset;
        for (int j = tid; j < units; j += threads) dh[j] = 0f;
        Group.Barrier();
        for (int t = steps - 1; t >= 0; t--)
        {
            var delta = da.SubView((t & 1) * units, units);
            for (int j = tid; j < units; j += threads)
            {
                float d = CellMath.Delta(t == steps - 1 ? topGradient[row * units + j] : 0f, dh[j], states[stateBase + (t + 1) * units + j], net.Hidden);
                delta[j] = d;
                deltas[(row * steps + t) * units + j] = d;
            }
            Group.Barrier();
            for (int i = tid; i < units; i += threads) dh[i] = CellMath.BackThrough(wh, i * rowStride, columnStride, delta, units);
        }
    }

    /// <summary>
    /// gradients[p] for every parameter p of the one-layer network, one thread per parameter: the sum over the
    /// batch's windows (in batch order) and steps (last first) of the product that parameter's gradient takes —
    /// x·da (kernel), h_{t−1}·da (recurrent kernel), da (bias), h_T·dz (Dense kernel), dz (Dense bias).
    /// </summary>
    /// <remarks>
    /// The same products as CellMath.CellGradient and DenseGradient, but summed per parameter in a register over
    /// windows and steps (no per-window gradient rows); those helpers scatter one step into every parameter of a
    /// unit, so using them here would need the rows and atomics this reduction exists to avoid.
    /// </remarks>
    public static void ReduceGradients(Index1D parameter, ArrayView<float> x, ArrayView<int> order, ArrayView<float> states,
        ArrayView<float> deltas, ArrayView<float> headDeltas, ArrayView<float> gradients, NetworkShape net, LayerShape layer,
        int start, int count)
    {
        int p = parameter;
        int units = layer.Units, steps = net.TimeSteps, features = net.Features, outs = net.Outputs;
        float sum = 0f;
        if (p >= net.DenseBiasOffset)
        {
            int k = p - net.DenseBiasOffset;
            for (int row = 0; row < count; row++) sum += headDeltas[row * outs + k];
        }
        else if (p >= net.DenseKernelOffset)
        {
            int j = (p - net.DenseKernelOffset) / outs, k = (p - net.DenseKernelOffset) % outs;
            for (int row = 0; row < count; row++)
                sum += states[row * net.StateStride + layer.StateOffset + steps * units + j] * headDeltas[row * outs + k];
        }
        else if (p >= layer.BiasOffset)
        {
            int j = p - layer.BiasOffset;
            for (int row = 0; row < count; row++)
                for (int t = steps - 1; t >= 0; t--) sum += deltas[(row * steps + t) * units + j];
        }
        else if (p >= layer.RecurrentOffset)
        {
            int i = (p - layer.RecurrentOffset) / units, j = (p - layer.RecurrentOffset) % units;
            for (int row = 0; row < count; row++)
            {
                int stateBase = row * net.StateStride + layer.StateOffset;
                for (int t = steps - 1; t >= 0; t--) sum += states[stateBase + t * units + i] * deltas[(row * steps + t) * units + j];
            }
        }
        else
        {
            int i = (p - layer.KernelOffset) / units, j = (p - layer.KernelOffset) % units;
            for (int row = 0; row < count; row++)
            {
                int xBase = order[start + row] * steps * features;
                for (int t = steps - 1; t >= 0; t--) sum += x[xBase + t * features + i] * deltas[(row * steps + t) * units + j];
            }
        }
        gradients[p] = sum;
    }
}
