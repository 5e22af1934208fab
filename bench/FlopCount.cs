using GpuRnn.Training.Model;

namespace GpuRnn.Bench;

/// <summary>
/// The one place that counts floating-point work, per window, as 2 FLOPs per multiply–add of the matrix products
/// (the activations, Adam and the loss are left out: they are O(units), not O(units²), per step). Every GFLOP/s the
/// benchmarks print, and docs/performance.md, comes from here.
/// </summary>
public static class FlopCount
{
    /// <summary>Forward: per layer and step x_t·Wx + h_{t−1}·Wh; then the Dense head on the last state (the layout's multiply–adds, 2 FLOPs each).</summary>
    public static long Forward(ModelSpec spec) => 2 * spec.Layout().ForwardMultiplyAdds(spec.TimeSteps);

    /// <summary>
    /// BPTT: per layer and step the weight gradients (inputs + units)·units multiply–adds, the recurrent gradient
    /// da·Whᵀ (units², skipped at t = 0), and for a stacked layer the gradient to the layer below da·Wxᵀ; the
    /// head's kernel gradient and its gradient into the last state.
    /// </summary>
    public static long Backward(ModelSpec spec)
    {
        var layout = spec.Layout();
        long total = 2L * 2 * layout.TopUnits * spec.Outputs;
        for (int l = 0; l < spec.Layers; l++)
        {
            long units = spec.Units[l], inputs = layout.Inputs[l], steps = spec.TimeSteps;
            total += 2 * steps * units * (inputs + units);
            total += 2 * (steps - 1) * units * units;
            if (l > 0) total += 2 * steps * units * inputs;
        }
        return total;
    }

    public static long Training(ModelSpec spec) => Forward(spec) + Backward(spec);

    /// <summary>Bytes of one window's data (inputs and targets, float32): what must at least be read per window.</summary>
    public static long WindowBytes(ModelSpec spec) => 4L * (spec.TimeSteps * spec.Features + spec.Outputs);

    /// <summary>Bytes of hidden state BPTT keeps per window between the forward and backward passes (float32).</summary>
    public static long StateBytes(ModelSpec spec) => 4L * spec.TimeSteps * spec.Units.Sum();
}
