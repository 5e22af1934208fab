using System.Runtime.CompilerServices;
using ILGPU;

namespace GpuRnn.Kernels;

/// <summary>
/// The forward pass of a one-layer network for batches, shaped for a GPU: the input projection of every window
/// and step is hoisted out of the recurrence into one wide launch, then one group per window runs the recurrence
/// with its threads over the hidden units and the recurrent kernel held in shared memory (or, when it does not fit,
/// read from global memory by <see cref="RecurrenceGlobalWh"/>). The reference
/// ForwardKernel.DenseHead and AccumulateLoss finish the pass. Same sums in the same order as the reference, so
/// results are identical to it.
/// </summary>
public static class GroupedForwardKernel
{
    /// <summary>
    /// projection[(row·T + t)·U + j] = b_j + Σ_i x_t[i]·Wx[i, j] for window <c>order[start + row]</c>: one thread per
    /// (row, step, unit), launched over count·T·U. No dependence between steps, so it runs at full width.
    /// </summary>
    public static void InputProjection(Index1D index, ArrayView<float> x, ArrayView<int> order, ArrayView<float> weights,
        ArrayView<float> projection, NetworkShape net, LayerShape layer, int start)
    {
        int units = layer.Units;
        int j = index % units;
        int rowStep = index / units;
        int t = rowStep % net.TimeSteps;
        int row = rowStep / net.TimeSteps;
        int window = order[start + row];
        projection[index] = CellMath.InputSum(weights, layer, x.SubView((window * net.TimeSteps + t) * net.Features, net.Features), j);
    }

    /// <summary>
    /// Dynamic shared memory the recurrence needs: h_{t−1}, h_t [2U], plus Wh [U²] for <see cref="Recurrence"/>
    /// (<paramref name="recurrentKernelInShared"/>); <see cref="RecurrenceGlobalWh"/> needs only the 2U.
    /// </summary>
    public static int RecurrenceSharedFloats(LayerShape layer, bool recurrentKernelInShared = true) =>
        (recurrentKernelInShared ? layer.Units * layer.Units : 0) + 2 * layer.Units;

    /// <summary>
    /// Group <c>Grid.IdxX</c> runs state row <c>Grid.IdxX</c>: h_t = f(projection_t + h_{t−1}·Wh), writing every h_t to
    /// <paramref name="states"/> (the reference layout) for BPTT. Wh is copied into shared memory first; h is
    /// double-buffered in shared memory by step parity: one barrier per step.
    /// </summary>
    [GroupedKernel]
    public static void Recurrence(ArrayView<float> weights, ArrayView<float> projection, ArrayView<float> states,
        NetworkShape net, LayerShape layer)
    {
        int units = layer.Units;
        var shared = SharedMemory.GetDynamic<float>();
        var wh = shared.SubView(0, units * units);
        for (int i = Group.IdxX; i < units * units; i += Group.DimX) wh[i] = weights[layer.RecurrentOffset + i];
        Steps(wh, shared.SubView(units * units, 2 * units), projection, states, net, layer);
    }

    /// <summary>
    /// <see cref="Recurrence"/> for hidden sizes whose Wh does not fit shared memory: the same sums in the same order,
    /// but Wh is read where it lies in <paramref name="weights"/> (global memory, L2-cached on a GPU; thread j reads
    /// column j, so a warp's reads of row i are contiguous). Only h_{t−1}, h_t [2U] are in shared memory.
    /// </summary>
    [GroupedKernel]
    public static void RecurrenceGlobalWh(ArrayView<float> weights, ArrayView<float> projection, ArrayView<float> states,
        NetworkShape net, LayerShape layer)
    {
        int units = layer.Units;
        Steps(weights.SubView(layer.RecurrentOffset, units * units), SharedMemory.GetDynamic<float>().SubView(0, 2 * units),
            projection, states, net, layer);
    }

    /// <summary>The recurrence both entry points share: <paramref name="wh"/> in shared or global memory, h [2U] in shared.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Steps(ArrayView<float> wh, ArrayView<float> h, ArrayView<float> projection, ArrayView<float> states,
        NetworkShape net, LayerShape layer)
    {
        int row = Grid.IdxX, tid = Group.IdxX, threads = Group.DimX;
        int units = layer.Units, steps = net.TimeSteps;
        int stateBase = row * net.StateStride + layer.StateOffset;
        for (int j = tid; j < units; j += threads) { h[j] = 0f; states[stateBase + j] = 0f; }
        Group.Barrier();
        for (int t = 0; t < steps; t++)
        {
            int previous = (t & 1) * units, next = units - previous;
            for (int j = tid; j < units; j += threads)
            {
                float hj = CellMath.Recur(projection[(row * steps + t) * units + j], h.SubView(previous, units), wh, 0, units, j, net.Hidden);
                h[next + j] = hj;
                states[stateBase + (t + 1) * units + j] = hj;
            }
            Group.Barrier();
        }
    }
}
