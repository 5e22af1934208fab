namespace GpuRnn.Kernels;

/// <summary>
/// The activations a SimpleRNN or Dense layer may use, named as Keras names them: the one enum of the model, the
/// engines and the kernels (it lives here because the kernels cannot see GpuRnn.Training, which references this).
/// </summary>
public enum Activation
{
    Linear,
    Tanh,
    Relu,
    Sigmoid,
}

/// <summary>
/// Activations and their derivatives, usable inside kernels. Agree with ScalarEngine.Activate / Derivative:
/// the same float operations in the same order, so that the CPU accelerator matches the scalar engine exactly.
/// </summary>
public static class Activations
{
    public static float Apply(float a, Activation f)
    {
        switch (f)
        {
            case Activation.Tanh: return MathF.Tanh(a);
            case Activation.Relu: return a > 0f ? a : 0f;
            case Activation.Sigmoid: return 1f / (1f + MathF.Exp(-a));
            default: return a;
        }
    }

    /// <summary>f′ from the activation's output y = f(a), which is what the forward pass keeps: 1, 1−y², y>0, y(1−y).</summary>
    public static float Derivative(float y, Activation f)
    {
        switch (f)
        {
            case Activation.Tanh: return 1f - y * y;
            case Activation.Relu: return y > 0f ? 1f : 0f;
            case Activation.Sigmoid: return y * (1f - y);
            default: return 1f;
        }
    }
}
