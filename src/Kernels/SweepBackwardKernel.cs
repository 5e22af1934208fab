using ILGPU;

namespace GpuRnn.Kernels;

/// <summary>
/// Forward and BPTT for every model of a group in one launch, one thread per (model, batch row) slot, each writing its
/// window's whole gradient into its own row of a [slot × parameter] buffer (no atomics: <see cref="SweepAdamKernel"/>
/// adds the rows in batch order). Within a window, the same operations in the same order as ScalarEngine.Backward.
/// </summary>
public static class SweepBackwardKernel
{
    /// <summary>
    /// <see cref="SweepForwardKernel.Window"/> for the slot, then BPTT for L = mean over the batch and outputs of
    /// (o − y)²: dz = 2(o − y)/(B·outputs)·g′(o) gives the Dense gradients and dz·Wyᵀ reaches h_T; then backwards in time da_t = (dOut_t + dh_t)·f′(h_t), the kernel, recurrent kernel
    /// and bias gradients take x_t·da_t, h_{t−1}·da_t and da_t, and dh_{t−1} = da_t·Whᵀ.
    /// </summary>
    public static void Window(Index1D slot, ArrayView<float> x, ArrayView<float> y, ArrayView<int> orders, ArrayView<float> weights,
        ArrayView<float> states, ArrayView<float> outputs, ArrayView<float> scratch, ArrayView<float> windowGradients,
        SweepShape net, int start, int count)
    {
        SweepForwardKernel.Window(slot, x, orders, weights, states, outputs, net, start, count);
        int model = slot / count, row = slot - model * count;
        int window = orders[model * net.WindowCount + start + row];
        int w = model * net.ParameterCount;
        int g = slot * net.ParameterCount;
        int units = net.Units;
        int h = slot * net.StateStride;
        int input = window * net.TimeSteps * net.Features;
        // The head reaches only the last step: dOut_{T−1} lives apart, every earlier dOut_t is 0 (added as 0f, as
        // the scalar engine adds its cleared entries, so that the bits agree).
        int dOutLast = slot * net.ScratchStride, dh = dOutLast + units, da = dh + units;
        for (int p = 0; p < net.ParameterCount; p++) windowGradients[g + p] = 0f;
        for (int j = 0; j < units; j++) { scratch[dOutLast + j] = 0f; scratch[dh + j] = 0f; }

        int last = h + net.TimeSteps * units;
        DenseHeadGradient.Accumulate(outputs.SubView(slot * net.Outputs, net.Outputs), y.SubView(window * net.Outputs, net.Outputs),
            weights.SubView(w, net.ParameterCount), states.SubView(last, units), windowGradients.SubView(g, net.ParameterCount),
            scratch.SubView(dOutLast, units), units, net.Outputs, net.DenseKernelOffset, net.DenseBiasOffset, net.Output, 2f / (count * net.Outputs));

        for (int t = net.TimeSteps - 1; t >= 0; t--)
        {
            for (int j = 0; j < units; j++)
            {
                float dOut = t == net.TimeSteps - 1 ? scratch[dOutLast + j] : 0f;
                scratch[da + j] = (dOut + scratch[dh + j]) * Activations.Derivative(states[h + (t + 1) * units + j], net.Hidden);
            }
            for (int j = 0; j < units; j++)
            {
                float d = scratch[da + j];
                windowGradients[g + net.BiasOffset + j] += d;
                for (int i = 0; i < net.Features; i++)
                    windowGradients[g + net.KernelOffset + i * units + j] += x[input + t * net.Features + i] * d;
                for (int i = 0; i < units; i++)
                    windowGradients[g + net.RecurrentOffset + i * units + j] += states[h + t * units + i] * d;
            }
            for (int i = 0; i < units; i++)
            {
                float sum = 0f;
                for (int j = 0; j < units; j++) sum += weights[w + net.RecurrentOffset + i * units + j] * scratch[da + j];
                scratch[dh + i] = sum;
            }
        }
    }
}
