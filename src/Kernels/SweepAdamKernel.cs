using ILGPU;

namespace GpuRnn.Kernels;

/// <summary>
/// The step of every model of a group in one launch, one thread per (model, parameter): the model's gradient is the
/// sum of its batch rows' window gradients in batch order (deterministic, no atomics), then Adam in Keras's form
/// with the model's own α_t: m += (g − m)(1 − β1); v += (g² − v)(1 − β2); w −= α·m / (√v + ε).
/// </summary>
public static class SweepAdamKernel
{
    /// <param name="index">model·ParameterCount + parameter: the element of the [model × parameter] buffers.</param>
    /// <param name="alphas">[step of the epoch × model]: α_t per model, computed on the host by AdamOptions.AlphaFor.</param>
    /// <param name="step">The row of <paramref name="alphas"/> this launch uses.</param>
    public static void Step(Index1D index, ArrayView<float> windowGradients, ArrayView<float> weights, ArrayView<float> m, ArrayView<float> v,
        ArrayView<float> alphas, SweepShape net, int models, int count, int step, float beta1, float beta2, float epsilon)
    {
        int model = index / net.ParameterCount, parameter = index - model * net.ParameterCount;
        float g = 0f;
        for (int row = 0; row < count; row++) g += windowGradients[(model * count + row) * net.ParameterCount + parameter];
        float alpha = alphas[step * models + model];
        float mi = m[index] + (g - m[index]) * (1f - beta1);
        float vi = v[index] + (g * g - v[index]) * (1f - beta2);
        m[index] = mi;
        v[index] = vi;
        weights[index] -= alpha * mi / (MathF.Sqrt(vi) + epsilon);
    }
}
