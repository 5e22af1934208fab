using GpuRnn.Kernels;

namespace GpuRnn.Training.Explain;

/// <summary>One time step of the tutorial's hand calculation: h_t = f(x_t·wx + h_{t−1}·wh + bh).</summary>
public sealed record HiddenStep(int T, double[] Input, double[] PreActivation, double[] Hidden);

/// <summary>The tutorial's part 1 done by hand, in float64: each layer's steps (bottom first) and the output.</summary>
public sealed record StepByStepResult(IReadOnlyList<IReadOnlyList<HiddenStep>> Layers, double[] Output)
{
    /// <summary>The top layer's steps: the ones the Dense head reads.</summary>
    public IReadOnlyList<HiddenStep> Steps => Layers[^1];
}

/// <summary>
/// Recomputes an Elman network the way the tutorial does it with NumPy, one dot product at a time, straight from
/// the weight matrices (not through any engine), so that it can be set beside the model's output. A stacked layer
/// takes the whole hidden sequence of the layer below as its input.
/// </summary>
public static class StepByStep
{
    public static StepByStepResult Compute(ParameterLayout layout, ReadOnlySpan<float> p, double[][] input) =>
        Compute(layout, [.. p.ToArray().Select(v => (double)v)], input);

    /// <summary>The same in float64 weights (finite differences perturb them).</summary>
    public static StepByStepResult Compute(ParameterLayout layout, double[] p, double[][] input)
    {
        var layers = new List<IReadOnlyList<HiddenStep>>();
        var sequence = input;
        for (int l = 0; l < layout.Layers; l++)
        {
            var wx = Matrix(layout.Kernel[l], p);
            var wh = Matrix(layout.RecurrentKernel[l], p);
            var bh = Matrix(layout.Bias[l], p)[0];
            var steps = new List<HiddenStep>();
            var h = new double[layout.Units[l]]; // h_0 = 0
            foreach (var x in sequence)
            {
                var a = Add(Add(Dot(x, wx), Dot(h, wh)), bh);
                h = Apply(a, layout.HiddenActivation);
                steps.Add(new HiddenStep(steps.Count + 1, x, a, h));
            }
            layers.Add(steps);
            sequence = [.. steps.Select(s => s.Hidden)];
        }
        var wy = Matrix(layout.DenseKernel, p);
        var by = Matrix(layout.DenseBias, p)[0];
        var o = Apply(Add(Dot(sequence[^1], wy), by), layout.OutputActivation);
        return new StepByStepResult(layers, o);
    }

    internal static double[][] Matrix(TensorSlot slot, double[] p)
    {
        var result = new double[slot.Rows][];
        for (int r = 0; r < slot.Rows; r++)
        {
            result[r] = new double[slot.Columns];
            for (int c = 0; c < slot.Columns; c++) result[r][c] = p[slot.At(r, c)];
        }
        return result;
    }

    /// <summary>Row vector times matrix, as <c>np.dot(v, M)</c>.</summary>
    internal static double[] Dot(double[] v, double[][] m)
    {
        var result = new double[m[0].Length];
        for (int c = 0; c < result.Length; c++)
            for (int r = 0; r < v.Length; r++) result[c] += v[r] * m[r][c];
        return result;
    }

    internal static double[] Add(double[] a, double[] b) => [.. a.Zip(b, (x, y) => x + y)];

    internal static double[] Apply(double[] a, Activation f) => [.. a.Select(x => f switch
    {
        Activation.Linear => x,
        Activation.Tanh => Math.Tanh(x),
        Activation.Relu => Math.Max(0, x),
        _ => 1 / (1 + Math.Exp(-x)),
    })];
}
