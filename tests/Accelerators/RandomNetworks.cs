using GpuRnn.Training.Data;
using GpuRnn.Training.Model;

namespace GpuRnn.Tests.Accelerators;

/// <summary>One shape the engines are compared on: the model, how many windows, and the batch size.</summary>
public sealed record NetworkCase(int Features, int[] Units, int Outputs, Activation Hidden, Activation Output, int TimeSteps, int Windows, int BatchSize)
{
    public ModelSpec Spec => new(Features, Units, Outputs, Hidden, Output, TimeSteps);

    public override string ToString() =>
        $"F{Features} U[{string.Join(",", Units)}] O{Outputs} {Hidden.ToKeras()}/{Output.ToKeras()} T{TimeSteps} N{Windows} B{BatchSize}";
}

/// <summary>Seeded random inputs: windows in [−1, 1], targets in [0, 1], every parameter (biases too) in [−0.5, 0.5].</summary>
static class RandomNetworks
{
    public static WindowSet Windows(ModelSpec spec, int count, Random rng) => RandomData.Windows(rng, spec, count);

    public static float[] Parameters(ModelSpec spec, Random rng)
    {
        var p = new float[new ParameterLayout(spec).Count];
        for (int i = 0; i < p.Length; i++) p[i] = (float)(rng.NextDouble() - 0.5);
        return p;
    }

    public static int[] Permutation(int count, Random rng)
    {
        var order = Enumerable.Range(0, count).ToArray();
        rng.Shuffle(order);
        return order;
    }
}
