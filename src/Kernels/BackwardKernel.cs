using ILGPU;

namespace GpuRnn.Kernels;

/// <summary>
/// BPTT for L = mean over the batch and outputs of (o − y)² of every model an engine trains, one thread per
/// <see cref="BatchSlots">slot</see> (model, window of the batch) writing that window's whole gradient into its own
/// row of a [slot × parameters] buffer; then <see cref="SumWindows"/> adds each model's rows in batch order, one
/// thread per (model, parameter). No atomics, so every run gives the same bits. Must agree with
/// ScalarEngine.Backward (which sums window after window into one vector: equal for batch 1, equal up to
/// float rounding of the order of additions otherwise).
/// </summary>
public static class BackwardKernel
{
    /// <summary>
    /// Clears the slot's gradients; dz = 2(o − y)/(B·outputs)·g′(o) gives the Dense gradients, and dz·Wyᵀ is the
    /// gradient arriving at the top layer's last state (its earlier steps receive nothing from the head).
    /// </summary>
    public static void DenseHead(Index1D slot, ArrayView<float> y, ArrayView<int> order, ArrayView<float> weights,
        ArrayView<float> states, ArrayView<float> outputs, ArrayView<float> stateGradients, ArrayView<float> windowGradients,
        NetworkShape net, BatchSlots batch)
    {
        int window = batch.WindowOf(order, slot);
        var parameters = weights.SubView(batch.ModelOf(slot) * net.ParameterCount, net.ParameterCount);
        var gradient = windowGradients.SubView(slot * net.ParameterCount, net.ParameterCount);
        for (int p = 0; p < net.ParameterCount; p++) gradient[p] = 0f;
        int units = net.TopUnits;
        int dOut = slot * net.StateGradientStride + net.TopStateGradientOffset;
        int dLast = dOut + (net.TimeSteps - 1) * units;
        for (int i = dOut; i < dLast; i++) stateGradients[i] = 0f; // the last step's row is written below
        int last = slot * net.StateStride + net.TopStateOffset + net.TimeSteps * units;
        for (int k = 0; k < net.Outputs; k++)
            gradient[net.DenseBiasOffset + k] += CellMath.OutputDelta(outputs[slot * net.Outputs + k], y[window * net.Outputs + k], batch.Count, net);
        // The Dense bias gradient, cleared above, now holds dz itself: the kernel gradient and dz·Wyᵀ read it there.
        var dz = gradient.SubView(net.DenseBiasOffset, net.Outputs);
        for (int j = 0; j < units; j++)
            stateGradients[dLast + j] = CellMath.DenseGradient(parameters, gradient, net, states[last + j], j, dz);
    }

    /// <summary>
    /// One layer backwards in time: da_t = (dOut_t + dh_t)·f′(h_t); the kernel, recurrent kernel and bias gradients
    /// take x_t·da_t, h_{t−1}·da_t and da_t; dh_{t−1} = da_t·Whᵀ; the layer below's h_t receives da_t·Wxᵀ.
    /// The host launches it top layer first, after <see cref="DenseHead"/>.
    /// </summary>
    /// <param name="scratch">Per slot 2·MaxUnits floats: dh then da.</param>
    public static void Layer(Index1D slot, ArrayView<float> x, ArrayView<int> order, ArrayView<float> weights,
        ArrayView<float> states, ArrayView<float> stateGradients, ArrayView<float> scratch, ArrayView<float> windowGradients,
        NetworkShape net, LayerShape layer, BatchSlots batch)
    {
        int window = batch.WindowOf(order, slot);
        var parameters = weights.SubView(batch.ModelOf(slot) * net.ParameterCount, net.ParameterCount);
        var gradient = windowGradients.SubView(slot * net.ParameterCount, net.ParameterCount);
        int units = layer.Units, inputs = layer.Inputs;
        int h = slot * net.StateStride + layer.StateOffset;
        int dOut = slot * net.StateGradientStride + layer.StateGradientOffset;
        int dBelow = slot * net.StateGradientStride + layer.BelowStateGradientOffset;
        var dh = scratch.SubView(slot * 2 * net.MaxUnits, units);
        var da = scratch.SubView(slot * 2 * net.MaxUnits + net.MaxUnits, units);
        for (int j = 0; j < units; j++) dh[j] = 0f;
        for (int t = net.TimeSteps - 1; t >= 0; t--)
        {
            for (int j = 0; j < units; j++)
                da[j] = CellMath.Delta(stateGradients[dOut + t * units + j], dh[j], states[h + (t + 1) * units + j], net.Hidden);
            var input = LayerInput.At(x, states, net, layer, window, slot, t);
            for (int j = 0; j < units; j++)
                CellMath.CellGradient(gradient, layer, input, states.SubView(h + t * units, units), j, da[j]);
            for (int i = 0; i < units; i++)
                dh[i] = CellMath.BackThrough(parameters, layer.RecurrentOffset + i * units, 1, da, units);
            if (layer.Index > 0)
                for (int i = 0; i < inputs; i++)
                    stateGradients[dBelow + t * inputs + i] = CellMath.BackThrough(parameters, layer.KernelOffset + i * units, 1, da, units);
        }
    }

    /// <summary>
    /// gradients[model, p] = Σ_b windowGradients[model·count + b, p], b = 0 … count−1 in order; one thread per
    /// (model, parameter): <paramref name="index"/> = model·parameterCount + p.
    /// </summary>
    public static void SumWindows(Index1D index, ArrayView<float> windowGradients, ArrayView<float> gradients, int parameterCount, int count)
    {
        int model = index / parameterCount, parameter = index - model * parameterCount;
        float sum = 0f;
        for (int row = 0; row < count; row++) sum += windowGradients[(model * count + row) * parameterCount + parameter];
        gradients[index] = sum;
    }
}
