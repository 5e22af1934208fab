using ILGPU;

namespace GpuRnn.Kernels;

/// <summary>
/// The Dense head's part of BPTT for one window, shared by every kernel that lays its rows out differently (the
/// callers pass sub-views of their own buffers): dz = scale·(o − y)·g′(o); the Dense bias takes dz, the Dense kernel
/// h_T·dz, and dz·Wyᵀ is added to the gradient arriving at h_T. Same operations, same order as ScalarEngine.Backward.
/// </summary>
public static class DenseHeadGradient
{
    /// <param name="outputs">This window's outputs o.</param>
    /// <param name="targets">This window's targets y.</param>
    /// <param name="weights">The model's parameters (Keras order).</param>
    /// <param name="lastState">h_T, the top layer's last state.</param>
    /// <param name="gradient">The window's gradient row (same layout as <paramref name="weights"/>), cleared by the caller.</param>
    /// <param name="dLastState">Gradient arriving at h_T, cleared by the caller.</param>
    /// <param name="scale">2 / (batch · outputs): the derivative of the batch's mean squared error.</param>
    public static void Accumulate(ArrayView<float> outputs, ArrayView<float> targets, ArrayView<float> weights,
        ArrayView<float> lastState, ArrayView<float> gradient, ArrayView<float> dLastState,
        int units, int outputCount, int denseKernelOffset, int denseBiasOffset, KernelActivation activation, float scale)
    {
        for (int k = 0; k < outputCount; k++)
        {
            float o = outputs[k];
            float dz = scale * (o - targets[k]) * Activations.Derivative(o, activation);
            gradient[denseBiasOffset + k] += dz;
            for (int j = 0; j < units; j++)
            {
                int wy = denseKernelOffset + j * outputCount + k;
                gradient[wy] += lastState[j] * dz;
                dLastState[j] += dz * weights[wy];
            }
        }
    }
}
