namespace GpuRnn.Tests.Accelerators;

/// <summary>One shape the engines are compared on: the model, how many windows, and the batch size.</summary>
public sealed record NetworkCase(int Features, int[] Units, int Outputs, Activation Hidden, Activation Output, int TimeSteps, int Windows, int BatchSize)
{
    public ModelSpec Spec => new(Features, Units, Outputs, Hidden, Output, TimeSteps);

    public override string ToString() =>
        $"F{Features} U[{string.Join(",", Units)}] O{Outputs} {Hidden.ToKeras()}/{Output.ToKeras()} T{TimeSteps} N{Windows} B{BatchSize}";
}
