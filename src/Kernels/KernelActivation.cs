namespace GpuRnn.Kernels;

/// <summary>
/// The activations the kernels apply (the kernels cannot see GpuRnn.Training.Model.Activation: Training references
/// this assembly, not the other way round; Training's KernelActivations.ToKernel is the one bridge).
/// </summary>
public enum KernelActivation
{
    Linear = 0,
    Tanh = 1,
    Relu = 2,
    Sigmoid = 3,
}

/// <summary>
/// Activations and their derivatives, usable inside kernels. Agree with ScalarEngine.Activate / Derivative:
/// the same float operations in the same order, so that the CPU accelerator matches the scalar engine exactly.
/// </summary>
public static class Activations
{
    public static float Apply(float a, KernelActivation f)
    {
        switch (f)
        {
            case KernelActivation.Tanh: return MathF.Tanh(a);
            case KernelActivation.Relu: return a > 0f ? a : 0f;
            case KernelActivation.Sigmoid: return 1f / (1f + MathF.Exp(-a));
            default: return a;
        }
    }

    /// <summary>f′ from the activation's output y = f(a), which is what the forward pass keeps: 1, 1−y², y>0, y(1−y).</summary>
    public static float Derivative(float y, KernelActivation f)
    {
        switch (f)
        {
            case KernelActivation.Tanh: return 1f - y * y;
            case KernelActivation.Relu: return y > 0f ? 1f : 0f;
            case KernelActivation.Sigmoid: return y * (1f - y);
            default: return 1f;
        }
    }
}
