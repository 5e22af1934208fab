using ILGPU;

namespace GpuRnn.Kernels;

/// <summary>
/// The forward pass of every model an engine trains, one thread per <see cref="BatchSlots">slot</see> (model, window
/// of the batch): each layer's recurrence in turn (the host launches <see cref="Layer"/> bottom to top), then the
/// Dense head, then the loss. Must agree with ScalarEngine.ForwardWindow (and ScalarEngine.Forward for the loss):
/// same sums, same order.
/// </summary>
public static class ForwardKernel
{
    /// <summary>
    /// h_t = f(b + Σ_i x_t[i]·Wx[i, j] + Σ_i h_{t−1}[i]·Wh[i, j]) for t = 1 … T, keeping every h_t for BPTT.
    /// Thread <paramref name="slot"/> runs its model's window with its model's weights and writes state row <paramref name="slot"/>.
    /// </summary>
    public static void Layer(Index1D slot, ArrayView<float> x, ArrayView<int> order, ArrayView<float> weights,
        ArrayView<float> states, NetworkShape net, LayerShape layer, BatchSlots batch)
    {
        int window = batch.WindowOf(order, slot);
        var parameters = weights.SubView(batch.ModelOf(slot) * net.ParameterCount, net.ParameterCount);
        int units = layer.Units;
        int h = slot * net.StateStride + layer.StateOffset;
        for (int j = 0; j < units; j++) states[h + j] = 0f;
        for (int t = 0; t < net.TimeSteps; t++)
        {
            var input = LayerInput.At(x, states, net, layer, window, slot, t);
            for (int j = 0; j < units; j++)
                states[h + (t + 1) * units + j] = CellMath.CellStep(parameters, layer, input, states.SubView(h + t * units, units), j, net.Hidden);
        }
    }

    /// <summary>o_k = g(by_k + Σ_j h_T[j]·Wy[j, k]) from the top layer's last state of slot <paramref name="slot"/>, with its model's weights.</summary>
    public static void DenseHead(Index1D slot, ArrayView<float> weights, ArrayView<float> states, ArrayView<float> outputs,
        NetworkShape net, BatchSlots batch)
    {
        int w = batch.ModelOf(slot) * net.ParameterCount;
        int last = slot * net.StateStride + net.TopStateOffset + net.TimeSteps * net.TopUnits;
        for (int k = 0; k < net.Outputs; k++)
            outputs[slot * net.Outputs + k] = CellMath.DenseOutput(weights.SubView(w, net.ParameterCount), states.SubView(last, net.TopUnits), net, k);
    }

    /// <summary>
    /// Launched with ONE thread PER MODEL: adds each of the model's windows' mean squared error over the outputs to
    /// <c>lossSum[model]</c>, window by window in batch order, so the sum is the same on every run and device.
    /// </summary>
    public static void AccumulateLoss(Index1D model, ArrayView<float> outputs, ArrayView<float> y, ArrayView<int> order,
        ArrayView<float> lossSum, NetworkShape net, BatchSlots batch)
    {
        float sum = lossSum[model];
        for (int row = 0; row < batch.Count; row++)
        {
            int slot = model * batch.Count + row;
            int window = batch.WindowOf(order, slot);
            sum += CellMath.SquaredError(outputs.SubView(slot * net.Outputs, net.Outputs), y.SubView(window * net.Outputs, net.Outputs), net.Outputs);
        }
        lossSum[model] = sum;
    }
}

/// <summary>Where a layer's input at step t comes from: the data for the bottom layer, the layer below's h_{t+1} above it.</summary>
static class LayerInput
{
    public static ArrayView<float> At(ArrayView<float> x, ArrayView<float> states, NetworkShape net, LayerShape layer, int window, int slot, int t) =>
        layer.Index == 0
            ? x.SubView((window * net.TimeSteps + t) * net.Features, net.Features)
            : states.SubView(slot * net.StateStride + layer.BelowStateOffset + (t + 1) * layer.Inputs, layer.Inputs);
}
