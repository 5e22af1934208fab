using GpuRnn.Training.Model;

namespace GpuRnn.Training.Explain;

/// <summary>One time step of the tutorial's hand calculation: h_t = f(x_t·wx + h_{t−1}·wh + bh).</summary>
public sealed record HiddenStep(int T, double[] Input, double[] PreActivation, double[] Hidden);

/// <summary>The tutorial's part 1 done by hand, in float64, for a single-layer network.</summary>
public sealed record StepByStepResult(IReadOnlyList<HiddenStep> Steps, double[] Output);

/// <summary>
/// Recomputes a single-layer Elman network the way the tutorial does it with NumPy, one dot product at a time,
/// straight from the weight matrices (not through any engine), so that it can be set beside the model's output.
/// </summary>
public static class StepByStep
{
    public static StepByStepResult Compute(ParameterLayout layout, ReadOnlySpan<float> p, double[][] input)
    {
        var spec = layout.Spec;
        if (spec.Layers != 1) throw new GpuRnnInputException("explain shows one SimpleRNN layer; give a single --units value");
        int units = spec.Units[0];
        var wx = Matrix(layout.Kernel[0], p);
        var wh = Matrix(layout.RecurrentKernel[0], p);
        var bh = Matrix(layout.Bias[0], p)[0];
        var wy = Matrix(layout.DenseKernel, p);
        var by = Matrix(layout.DenseBias, p)[0];

        var steps = new List<HiddenStep>();
        var h = new double[units]; // h_0 = 0
        for (int t = 0; t < input.Length; t++)
        {
            var a = Add(Add(Dot(input[t], wx), Dot(h, wh)), bh);
            h = Apply(a, spec.HiddenActivation);
            steps.Add(new HiddenStep(t + 1, input[t], a, h));
        }
        var o = Apply(Add(Dot(h, wy), by), spec.OutputActivation);
        return new StepByStepResult(steps, o);
    }

    static double[][] Matrix(TensorSlot slot, ReadOnlySpan<float> p)
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
    static double[] Dot(double[] v, double[][] m)
    {
        var result = new double[m[0].Length];
        for (int c = 0; c < result.Length; c++)
            for (int r = 0; r < v.Length; r++) result[c] += v[r] * m[r][c];
        return result;
    }

    static double[] Add(double[] a, double[] b) => [.. a.Zip(b, (x, y) => x + y)];

    static double[] Apply(double[] a, Activation f) => [.. a.Select(x => f switch
    {
        Activation.Linear => x,
        Activation.Tanh => Math.Tanh(x),
        Activation.Relu => Math.Max(0, x),
        _ => 1 / (1 + Math.Exp(-x)),
    })];
}
