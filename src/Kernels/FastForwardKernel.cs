using ILGPU;

namespace GpuRnn.Kernels;

/// <summary>
/// The forward pass of a one-layer network for batches, shaped for a GPU: the input projection of every window
/// and step is hoisted out of the recurrence into one wide launch, then one group per window runs the recurrence
/// with its threads over the hidden units and the recurrent kernel held in shared memory. The reference
/// ForwardKernel.DenseHead and AccumulateLoss finish the pass. Same sums in the same order as the reference, so
/// results are identical to it.
/// </summary>
public static class FastForwardKernel
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
        int xBase = (window * net.TimeSteps + t) * net.Features;
        float a = weights[layer.BiasOffset + j];
        for (int i = 0; i < net.Features; i++) a += x[xBase + i] * weights[layer.KernelOffset + i * units + j];
        projection[index] = a;
    }

    /// <summary>Dynamic shared memory <see cref="Recurrence"/> needs: Wh [U²] and h_{t−1}, h_t [2U].</summary>
    public static int RecurrenceSharedFloats(LayerShape layer) => layer.Units * layer.Units + 2 * layer.Units;

    /// <summary>
    /// Group <c>Grid.IdxX</c> runs state row <c>Grid.IdxX</c>: h_t = f(projection_t + h_{t−1}·Wh), writing every h_t to
    /// <paramref name="states"/> (the reference layout) for BPTT. h is double-buffered in shared memory by step
    /// parity: one barrier per step.
    /// </summary>
    [GroupedKernel]
    public static void Recurrence(ArrayView<float> weights, ArrayView<float> projection, ArrayView<float> states,
        NetworkShape net, LayerShape layer)
    {
        int row = Grid.IdxX, tid = Group.IdxX, threads = Group.DimX;
        int units = layer.Units, steps = net.TimeSteps;
        var shared = SharedMemory.GetDynamic<float>();
        var wh = shared.SubView(0, units * units);
        var h = shared.SubView(units * units, 2 * units);
        int stateBase = row * net.StateStride + layer.StateOffset;
        for (int i = tid; i < units * units; i += threads) wh[i] = weights[layer.RecurrentOffset + i];
        for (int j = tid; j < units; j += threads) { h[j] = 0f; states[stateBase + j] = 0f; }
        Group.Barrier();
        for (int t = 0; t < steps; t++)
        {
            int previous = (t & 1) * units, next = units - previous;
            for (int j = tid; j < units; j += threads)
            {
                float a = projection[(row * steps + t) * units + j];
                for (int i = 0; i < units; i++) a += h[previous + i] * wh[i * units + j];
                float hj = Activations.Apply(a, net.Hidden);
                h[next + j] = hj;
                states[stateBase + (t + 1) * units + j] = hj;
            }
            Group.Barrier();
        }
    }
}
