using System.Runtime.CompilerServices;

namespace GpuRnn.Training.Engines;

/// <summary>Adam's hyper-parameters; the defaults are Keras's.</summary>
public sealed record AdamOptions(float LearningRate = 1e-3f, float Beta1 = 0.9f, float Beta2 = 0.999f, float Epsilon = 1e-7f)
{
    /// <summary>
    /// The step for iteration <paramref name="iteration"/> (1-based), in Keras's form: the bias corrections are
    /// folded into the step size, α_t = lr·√(1 − β2^t) / (1 − β1^t), computed in float32 as Keras does.
    /// </summary>
    public AdamStep StepFor(int iteration) => StepFor(LearningRate, iteration);

    /// <summary>The step for iteration <paramref name="iteration"/> with another learning rate and these β's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public AdamStep StepFor(float learningRate, int iteration) => StepFor(learningRate, Corrections(iteration));

    /// <summary>√(1 − β2^t) and 1 − β1^t: what every model's step of iteration t shares (two powers, not two per model).</summary>
    internal (float Numerator, float Denominator) Corrections(int iteration) =>
        (MathF.Sqrt(1f - MathF.Pow(Beta2, iteration)), 1f - MathF.Pow(Beta1, iteration));

    /// <summary>α = lr·√(1 − β2^t) / (1 − β1^t), the same float32 operations in the same order for every caller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal AdamStep StepFor(float learningRate, (float Numerator, float Denominator) corrections) =>
        new(learningRate * corrections.Numerator / corrections.Denominator, Beta1, Beta2, Epsilon);
}

/// <summary>
/// One Adam update as every engine applies it, per parameter:
/// m += (g − m)(1 − β1); v += (g² − v)(1 − β2); w −= α·m / (√v + ε).
/// </summary>
public readonly record struct AdamStep(float Alpha, float Beta1, float Beta2, float Epsilon);

/// <summary>
/// The Adam steps of M models trained together, iteration after iteration: the one place a learning rate becomes
/// a step size. Each model has its own learning rate; the β's and ε are shared.
/// </summary>
public sealed class AdamSchedule(AdamOptions adam, IReadOnlyList<float> learningRates)
{
    readonly float[] rates = [.. learningRates]; // an array: this runs once per step, at batch 1 every ~200 ns
    readonly AdamStep[] steps = new AdamStep[learningRates.Count];

    public AdamSchedule(AdamOptions adam) : this(adam, [adam.LearningRate]) { }

    /// <summary>Adam iterations taken so far.</summary>
    public int Iteration { get; private set; }

    /// <summary>The next iteration's step for each model (a view of a buffer reused by the next call).</summary>
    // Runs once per training step (every ~200 ns at batch 1): fully optimised from the start rather than left to
    // tiering, which can keep a per-step method unoptimised for a whole run while other code keeps the JIT busy.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<AdamStep> Next()
    {
        Iteration++;
        var corrections = adam.Corrections(Iteration);
        for (int i = 0; i < steps.Length; i++) steps[i] = adam.StepFor(rates[i], corrections);
        return steps;
    }

    /// <summary>The next <paramref name="iterations"/> iterations' steps, [iteration × model].</summary>
    public AdamStep[] Next(int iterations)
    {
        var result = new AdamStep[iterations * steps.Length];
        for (int s = 0; s < iterations; s++) Next().CopyTo(result.AsSpan(s * steps.Length));
        return result;
    }
}
