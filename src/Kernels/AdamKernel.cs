using ILGPU;

namespace GpuRnn.Kernels;

/// <summary>
/// Adam in Keras's form, one thread per parameter: m += (g − m)(1 − β1); v += (g² − v)(1 − β2);
/// w −= α·m / (√v + ε), with α (bias corrections folded in) computed on the host by AdamOptions.StepFor.
/// Must agree with ScalarEngine.ApplyAdam.
/// </summary>
public static class AdamKernel
{
    public static void Step(Index1D i, ArrayView<float> weights, ArrayView<float> m, ArrayView<float> v, ArrayView<float> gradients,
        float alpha, float beta1, float beta2, float epsilon)
    {
        float g = gradients[i];
        float mi = m[i] + (g - m[i]) * (1f - beta1);
        float vi = v[i] + (g * g - v[i]) * (1f - beta2);
        m[i] = mi;
        v[i] = vi;
        weights[i] -= alpha * mi / (MathF.Sqrt(vi) + epsilon);
    }
}
