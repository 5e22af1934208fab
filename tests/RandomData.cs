namespace GpuRnn.Tests;

/// <summary>Fresh random inputs for property tests, always from an explicit seed so a failure can be replayed.</summary>
public static class RandomData
{
    public static WindowSet Windows(Random rng, ModelSpec spec, int count)
    {
        var x = new float[count * spec.TimeSteps * spec.Features];
        var y = new float[count * spec.Outputs];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int i = 0; i < y.Length; i++) y[i] = (float)rng.NextDouble();
        return new WindowSet(x, y, count, spec.TimeSteps, spec.Features, spec.Outputs);
    }

    /// <summary>Uniform in ±scale, away from relu's kink often enough that finite differences stay smooth.</summary>
    public static float[] Parameters(Random rng, ParameterLayout layout, double scale)
    {
        var p = new float[layout.Count];
        for (int i = 0; i < p.Length; i++) p[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return p;
    }

    /// <summary>Keras's initial weights plus noise, so that biases are non-zero and every term is exercised.</summary>
    public static float[] KerasWithNoise(ParameterLayout layout, int seed)
    {
        var p = Initializers.KerasDefaults(layout, seed);
        var rng = new Random(seed + 1);
        for (int i = 0; i < p.Length; i++) p[i] += (rng.NextSingle() - 0.5f) * 0.2f;
        return p;
    }

    /// <summary>A uniformly random order of 0 … count − 1.</summary>
    public static int[] Permutation(int count, Random rng)
    {
        var order = Enumerable.Range(0, count).ToArray();
        rng.Shuffle(order);
        return order;
    }
}
