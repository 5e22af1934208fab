using ILGPU;

namespace GpuRnn.Kernels;

/// <summary>
/// The forward pass of one (model, batch row) slot, run by <see cref="SweepBackwardKernel"/>'s threads before their
/// BPTT (one launch for both halves: the states never leave the thread's slot). Each slot runs the window its own
/// model's epoch order names, with its own model's weights. Same sums in the same order as
/// ScalarEngine.ForwardWindow, so that each model matches the scalar engine trained alone.
/// </summary>
public static class SweepForwardKernel
{
    /// <summary>
    /// Slot = model·count + row: h_t = f(b + Σ_i x_t[i]·Wx[i, j] + Σ_i h_{t−1}[i]·Wh[i, j]) for t = 1 … T, every h_t
    /// kept for BPTT, then o_k = g(by_k + Σ_j h_T[j]·Wy[j, k]).
    /// </summary>
    /// <param name="orders">[model × window]: each model's order of the windows this epoch.</param>
    public static void Window(int slot, ArrayView<float> x, ArrayView<int> orders, ArrayView<float> weights,
        ArrayView<float> states, ArrayView<float> outputs, SweepShape net, int start, int count)
    {
        int model = slot / count, row = slot - model * count;
        int window = orders[model * net.WindowCount + start + row];
        int w = model * net.ParameterCount;
        int units = net.Units;
        int h = slot * net.StateStride;
        int input = window * net.TimeSteps * net.Features;
        for (int j = 0; j < units; j++) states[h + j] = 0f;
        for (int t = 0; t < net.TimeSteps; t++)
            for (int j = 0; j < units; j++)
            {
                float a = weights[w + net.BiasOffset + j];
                for (int i = 0; i < net.Features; i++)
                    a += x[input + t * net.Features + i] * weights[w + net.KernelOffset + i * units + j];
                for (int i = 0; i < units; i++)
                    a += states[h + t * units + i] * weights[w + net.RecurrentOffset + i * units + j];
                states[h + (t + 1) * units + j] = Activations.Apply(a, net.Hidden);
            }
        int last = h + net.TimeSteps * units;
        for (int k = 0; k < net.Outputs; k++)
        {
            float z = weights[w + net.DenseBiasOffset + k];
            for (int j = 0; j < units; j++)
                z += states[last + j] * weights[w + net.DenseKernelOffset + j * net.Outputs + k];
            outputs[slot * net.Outputs + k] = Activations.Apply(z, net.Output);
        }
    }
}
