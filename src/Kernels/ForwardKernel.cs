using ILGPU;

namespace GpuRnn.Kernels;

/// <summary>
/// The forward pass, one thread per window of the batch: each layer's recurrence in turn (the host launches
/// <see cref="Layer"/> bottom to top), then the Dense head, then the loss. Must agree with
/// ScalarEngine.ForwardWindow (and ScalarEngine.Forward for the loss): same sums, same order.
/// </summary>
public static class ForwardKernel
{
    /// <summary>
    /// h_t = f(b + Σ_i x_t[i]·Wx[i, j] + Σ_i h_{t−1}[i]·Wh[i, j]) for t = 1 … T, keeping every h_t for BPTT.
    /// Thread <paramref name="row"/> runs window <c>order[start + row]</c> and writes state row <paramref name="row"/>.
    /// </summary>
    public static void Layer(Index1D row, ArrayView<float> x, ArrayView<int> order, ArrayView<float> weights,
        ArrayView<float> states, NetworkShape net, LayerShape layer, int start)
    {
        int window = order[start + row];
        int units = layer.Units;
        int h = row * net.StateStride + layer.StateOffset;
        for (int j = 0; j < units; j++) states[h + j] = 0f;
        for (int t = 0; t < net.TimeSteps; t++)
            for (int j = 0; j < units; j++)
            {
                float a = weights[layer.BiasOffset + j];
                for (int i = 0; i < layer.Inputs; i++)
                    a += LayerInput.At(x, states, net, layer, window, row, t, i) * weights[layer.KernelOffset + i * units + j];
                for (int i = 0; i < units; i++)
                    a += states[h + t * units + i] * weights[layer.RecurrentOffset + i * units + j];
                states[h + (t + 1) * units + j] = Activations.Apply(a, net.Hidden);
            }
    }

    /// <summary>o_k = g(by_k + Σ_j h_T[j]·Wy[j, k]) from the top layer's last state of row <paramref name="row"/>.</summary>
    public static void DenseHead(Index1D row, ArrayView<float> weights, ArrayView<float> states, ArrayView<float> outputs, NetworkShape net)
    {
        int last = row * net.StateStride + net.TopStateOffset + net.TimeSteps * net.TopUnits;
        for (int k = 0; k < net.Outputs; k++)
        {
            float z = weights[net.DenseBiasOffset + k];
            for (int j = 0; j < net.TopUnits; j++)
                z += states[last + j] * weights[net.DenseKernelOffset + j * net.Outputs + k];
            outputs[row * net.Outputs + k] = Activations.Apply(z, net.Output);
        }
    }

    /// <summary>
    /// Launched with ONE thread: adds each window's mean squared error over the outputs to
    /// <c>lossSum[0]</c>, window by window in batch order, so the sum is the same on every run and device.
    /// </summary>
    public static void AccumulateLoss(Index1D thread, ArrayView<float> outputs, ArrayView<float> y, ArrayView<int> order,
        ArrayView<float> lossSum, NetworkShape net, int start, int count)
    {
        float sum = lossSum[0];
        for (int row = 0; row < count; row++)
        {
            int window = order[start + row];
            float squared = 0f;
            for (int k = 0; k < net.Outputs; k++)
            {
                float e = outputs[row * net.Outputs + k] - y[window * net.Outputs + k];
                squared += e * e;
            }
            sum += squared / net.Outputs;
        }
        lossSum[0] = sum;
    }
}

/// <summary>Where a layer's input at step t comes from: the data for the bottom layer, the layer below's h_{t+1} above it.</summary>
static class LayerInput
{
    public static float At(ArrayView<float> x, ArrayView<float> states, NetworkShape net, LayerShape layer, int window, int row, int t, int i) =>
        layer.Index == 0
            ? x[(window * net.TimeSteps + t) * net.Features + i]
            : states[row * net.StateStride + layer.BelowStateOffset + (t + 1) * layer.Inputs + i];
}
