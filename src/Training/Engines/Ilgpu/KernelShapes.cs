using GpuRnn.Kernels;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// Translates a model spec and its parameter layout into the offsets and sizes the kernels take for windows of
/// <c>timeSteps</c> steps: the state rows and the shared memory the kernels need grow with the window length, the
/// weights do not.
/// </summary>
public sealed class KernelShapes
{
    public KernelShapes(ModelSpec spec, ParameterLayout layout, int timeSteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeSteps, 1);
        int steps = timeSteps;
        var layers = new LayerShape[spec.Layers];
        int stateOffset = 0, gradientOffset = 0, belowState = 0, belowGradient = 0;
        for (int l = 0; l < spec.Layers; l++)
        {
            int units = spec.Units[l];
            layers[l] = new LayerShape(l, spec.InputsOf(l), units, layout.Kernel[l].Offset, layout.RecurrentKernel[l].Offset, layout.Bias[l].Offset,
                stateOffset, belowState, gradientOffset, belowGradient);
            belowState = stateOffset;
            belowGradient = gradientOffset;
            stateOffset += (steps + 1) * units;
            gradientOffset += steps * units;
        }
        Layers = layers;
        Network = new NetworkShape(steps, spec.Features, spec.Outputs, layout.Count, stateOffset, gradientOffset, spec.Units.Max(),
            spec.LastUnits, layers[^1].StateOffset, layers[^1].StateGradientOffset, layout.DenseKernel.Offset, layout.DenseBias.Offset,
            spec.HiddenActivation, spec.OutputActivation);
    }

    public NetworkShape Network { get; }

    /// <summary>Bottom layer first.</summary>
    public IReadOnlyList<LayerShape> Layers { get; }
}
