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
        int w = batch.ModelOf(slot) * net.ParameterCount;
        int g = slot * net.ParameterCount;
        for (int p = 0; p < net.ParameterCount; p++) windowGradients[g + p] = 0f;
        int units = net.TopUnits;
        int dOut = slot * net.StateGradientStride + net.TopStateGradientOffset;
        for (int i = 0; i < net.TimeSteps * units; i++) stateGradients[dOut + i] = 0f;
        int last = slot * net.StateStride + net.TopStateOffset + net.TimeSteps * units;
        int dLast = dOut + (net.TimeSteps - 1) * units;
        float scale = 2f / (batch.Count * net.Outputs);
        for (int k = 0; k < net.Outputs; k++)
        {
            float o = outputs[slot * net.Outputs + k];
            float dz = scale * (o - y[window * net.Outputs + k]) * Activations.Derivative(o, net.Output);
            windowGradients[g + net.DenseBiasOffset + k] += dz;
            for (int j = 0; j < units; j++)
            {
                int wy = net.DenseKernelOffset + j * net.Outputs + k;
                windowGradients[g + wy] += states[last + j] * dz;
                stateGradients[dLast + j] += dz * weights[w + wy];
            }
        }
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
        int w = batch.ModelOf(slot) * net.ParameterCount;
        int units = layer.Units, inputs = layer.Inputs;
        int g = slot * net.ParameterCount;
        int h = slot * net.StateStride + layer.StateOffset;
        int dOut = slot * net.StateGradientStride + layer.StateGradientOffset;
        int dBelow = slot * net.StateGradientStride + layer.BelowStateGradientOffset;
        int dh = slot * 2 * net.MaxUnits, da = dh + net.MaxUnits;
        for (int j = 0; j < units; j++) scratch[dh + j] = 0f;
        for (int t = net.TimeSteps - 1; t >= 0; t--)
        {
            for (int j = 0; j < units; j++)
                scratch[da + j] = (stateGradients[dOut + t * units + j] + scratch[dh + j])
                    * Activations.Derivative(states[h + (t + 1) * units + j], net.Hidden);
            for (int j = 0; j < units; j++)
            {
                float d = scratch[da + j];
                windowGradients[g + layer.BiasOffset + j] += d;
                for (int i = 0; i < inputs; i++)
                    windowGradients[g + layer.KernelOffset + i * units + j] += LayerInput.At(x, states, net, layer, window, slot, t, i) * d;
                for (int i = 0; i < units; i++)
                    windowGradients[g + layer.RecurrentOffset + i * units + j] += states[h + t * units + i] * d;
            }
            for (int i = 0; i < units; i++)
                scratch[dh + i] = CellMath.BackThrough(weights, w + layer.RecurrentOffset, i, units, scratch.SubView(da, units));
            if (layer.Index > 0)
                for (int i = 0; i < inputs; i++)
                    stateGradients[dBelow + t * inputs + i] = CellMath.BackThrough(weights, w + layer.KernelOffset, i, units, scratch.SubView(da, units));
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
