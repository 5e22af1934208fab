using ILGPU;

namespace GpuRnn.Kernels;

/// <summary>
/// Adam in Keras's form, one thread per (model, parameter) of the [model × parameter] buffers:
/// m += (g − m)(1 − β1); v += (g² − v)(1 − β2); w −= α·m / (√v + ε), with each model's α (bias corrections folded
/// in) computed on the host by AdamOptions.StepFor; β1, β2 and ε are common to the models. Must agree with
/// ScalarEngine.ApplyAdam.
/// </summary>
public static class AdamKernel
{
    /// <param name="i">model·parameterCount + parameter.</param>
    /// <param name="alphas">α per model.</param>
    public static void Step(Index1D i, ArrayView<float> weights, ArrayView<float> m, ArrayView<float> v, ArrayView<float> gradients,
        ArrayView<float> alphas, int parameterCount, float beta1, float beta2, float epsilon)
    {
        CellMath.Adam(weights, m, v, i, gradients[i], alphas[i / parameterCount], beta1, beta2, epsilon);
    }
}
