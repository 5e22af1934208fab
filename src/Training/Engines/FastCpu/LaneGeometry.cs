using GpuRnn.Training.Model;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>The model's sizes and where each weight tensor starts in the flat Keras-order vector, read once.</summary>
sealed class LaneGeometry
{
    public LaneGeometry(ModelSpec spec, ParameterLayout layout)
    {
        Steps = spec.TimeSteps;
        Features = spec.Features;
        Outputs = spec.Outputs;
        Layers = spec.Layers;
        Units = [.. spec.Units];
        Inputs = [.. Enumerable.Range(0, spec.Layers).Select(spec.InputsOf)];
        KernelOffset = [.. layout.Kernel.Select(s => s.Offset)];
        RecurrentOffset = [.. layout.RecurrentKernel.Select(s => s.Offset)];
        BiasOffset = [.. layout.Bias.Select(s => s.Offset)];
        DenseKernelOffset = layout.DenseKernel.Offset;
        DenseBiasOffset = layout.DenseBias.Offset;
        Hidden = spec.HiddenActivation;
        Output = spec.OutputActivation;
        MaxUnits = Math.Max(Units.Max(), Inputs.Max());
        ParameterCount = layout.Count;
    }

    public int Steps { get; }
    public int Features { get; }
    public int Outputs { get; }
    public int Layers { get; }
    public int[] Units { get; }
    public int[] Inputs { get; }
    public int[] KernelOffset { get; }
    public int[] RecurrentOffset { get; }
    public int[] BiasOffset { get; }
    public int DenseKernelOffset { get; }
    public int DenseBiasOffset { get; }
    public Activation Hidden { get; }
    public Activation Output { get; }
    /// <summary>The widest row any layer reads or writes (units or inputs), which sizes the BPTT scratch.</summary>
    public int MaxUnits { get; }
    public int ParameterCount { get; }
    public int TopUnits => Units[^1];

    /// <summary>Multiply–adds of one window's forward pass: the measure of work used to decide on threading.</summary>
    public long ForwardMultiplyAdds()
    {
        long total = (long)TopUnits * Outputs;
        for (int l = 0; l < Layers; l++) total += (long)Steps * Units[l] * (Inputs[l] + Units[l]);
        return total;
    }
}
