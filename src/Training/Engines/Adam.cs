namespace GpuRnn.Training.Engines;

/// <summary>Adam's hyper-parameters; the defaults are Keras's.</summary>
public sealed record AdamOptions(float LearningRate = 1e-3f, float Beta1 = 0.9f, float Beta2 = 0.999f, float Epsilon = 1e-7f)
{
    /// <summary>
    /// The step for iteration <paramref name="iteration"/> (1-based), in Keras's form: the bias corrections are
    /// folded into the step size, α_t = lr·√(1 − β2^t) / (1 − β1^t), computed in float32 as Keras does.
    /// </summary>
    public AdamStep StepFor(int iteration) => new(AlphaFor(LearningRate, iteration), Beta1, Beta2, Epsilon);

    /// <summary>α_t for another learning rate with these β's (trainers of many models at once need one per model).</summary>
    public float AlphaFor(float learningRate, int iteration)
    {
        float beta1Power = MathF.Pow(Beta1, iteration);
        float beta2Power = MathF.Pow(Beta2, iteration);
        return learningRate * MathF.Sqrt(1f - beta2Power) / (1f - beta1Power);
    }
}

/// <summary>
/// One Adam update as every engine applies it, per parameter:
/// m += (g − m)(1 − β1); v += (g² − v)(1 − β2); w −= α·m / (√v + ε).
/// </summary>
public readonly record struct AdamStep(float Alpha, float Beta1, float Beta2, float Epsilon);
