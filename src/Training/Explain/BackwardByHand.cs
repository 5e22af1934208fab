using GpuRnn.Kernels;

namespace GpuRnn.Training.Explain;

/// <summary>One time step of BPTT in one layer: what arrives at h_t from above, and δ_t = (arriving + dh_t)·f′(h_t).</summary>
public sealed record BackwardStep(int T, double[] Arriving, double[] FromNextStep, double[] Delta);

/// <summary>One step's term of one weight tensor's gradient (a matrix, rows × columns as the tensor).</summary>
public sealed record GradientTerm(int T, double[][] Value);

/// <summary>
/// The backward pass of one window done by hand, in float64: the loss, dz at the output, each layer's δ_t from the
/// last step to the first (top layer first), and each tensor's gradient as the sum of its per-step terms (in the
/// layout's order: kernel, recurrent kernel and bias per layer, then the Dense head).
/// </summary>
public sealed record BackwardByHandResult(double Loss, double[] OutputDelta, IReadOnlyList<IReadOnlyList<BackwardStep>> Layers,
    IReadOnlyList<IReadOnlyList<GradientTerm>> Terms, IReadOnlyList<double[][]> Gradients)
{
    /// <summary>Every gradient flattened in the layout's order, as an engine's GetGradients gives them.</summary>
    public double[] Flat(ParameterLayout layout)
    {
        var flat = new double[layout.Count];
        for (int s = 0; s < layout.Slots.Count; s++)
            for (int r = 0; r < layout.Slots[s].Rows; r++)
                for (int c = 0; c < layout.Slots[s].Columns; c++) flat[layout.Slots[s].At(r, c)] = Gradients[s][r][c];
        return flat;
    }
}

/// <summary>
/// BPTT the way part 1 of the tutorial would write it with NumPy, from the forward pass of <see cref="StepByStep"/>
/// and the weight matrices, not through any engine: L = mean over outputs of (o − y)²; dz = 2(o − y)/O·g′(o);
/// the top layer's h_T receives dz·Wyᵀ; δ_t = (arriving_t + dh_t)·f′(h_t), dh_{t−1} = δ_t·Whᵀ, the layer below's
/// h_t receives δ_t·Wxᵀ; ∂Wx = Σ_t x_tᵀ·δ_t, ∂Wh = Σ_t h_{t−1}ᵀ·δ_t, ∂b = Σ_t δ_t, ∂Wy = h_Tᵀ·dz, ∂by = dz.
/// </summary>
public static class BackwardByHand
{
    public static BackwardByHandResult Compute(ParameterLayout layout, double[] p, StepByStepResult forward, double[] target)
    {
        if (target.Length != layout.Outputs) throw new ArgumentException($"expected {layout.Outputs} targets, got {target.Length}");
        var o = forward.Output;
        int outs = o.Length;
        double loss = o.Zip(target, (a, y) => (a - y) * (a - y)).Sum() / outs;
        var dz = new double[outs];
        for (int k = 0; k < outs; k++) dz[k] = 2 * (o[k] - target[k]) / outs * Derivative(o[k], layout.OutputActivation);

        var terms = new List<GradientTerm>[layout.Slots.Count];
        for (int s = 0; s < terms.Length; s++) terms[s] = [];
        var top = forward.Layers[^1];
        int last = top.Count;
        terms[^2].Add(new GradientTerm(last, Outer(top[^1].Hidden, dz)));
        terms[^1].Add(new GradientTerm(last, [dz]));

        var wy = StepByStep.Matrix(layout.DenseKernel, p);
        // What arrives at each step's h of the layer being walked: from the head at the last step only, then from the layer above.
        var arriving = new double[last][];
        for (int t = 0; t < last; t++) arriving[t] = new double[layout.TopUnits];
        arriving[last - 1] = Times(dz, Transpose(wy));
        var layers = new IReadOnlyList<BackwardStep>[layout.Layers];
        for (int l = layout.Layers - 1; l >= 0; l--)
        {
            var wx = StepByStep.Matrix(layout.Kernel[l], p);
            var wh = StepByStep.Matrix(layout.RecurrentKernel[l], p);
            var steps = forward.Layers[l];
            var dh = new double[layout.Units[l]];
            var below = new double[last][];
            var walked = new List<BackwardStep>();
            for (int t = last; t >= 1; t--)
            {
                var step = steps[t - 1];
                var delta = new double[dh.Length];
                for (int j = 0; j < delta.Length; j++) delta[j] = (arriving[t - 1][j] + dh[j]) * Derivative(step.Hidden[j], layout.HiddenActivation);
                walked.Add(new BackwardStep(t, arriving[t - 1], dh, delta));
                var previous = t > 1 ? steps[t - 2].Hidden : new double[dh.Length];
                terms[3 * l].Add(new GradientTerm(t, Outer(step.Input, delta)));
                terms[3 * l + 1].Add(new GradientTerm(t, Outer(previous, delta)));
                terms[3 * l + 2].Add(new GradientTerm(t, [delta]));
                dh = Times(delta, Transpose(wh));
                below[t - 1] = Times(delta, Transpose(wx));
            }
            layers[l] = walked;
            arriving = below;
        }
        var gradients = terms.Select(list => list.Select(term => term.Value).Aggregate(Sum)).ToList();
        return new BackwardByHandResult(loss, dz, layers, terms, gradients);
    }

    /// <summary>f′ from the activation's output (tanh: 1 − h², sigmoid: s(1 − s), relu: 1 where h &gt; 0, linear: 1).</summary>
    static double Derivative(double y, Activation f) => f switch
    {
        Activation.Linear => 1,
        Activation.Tanh => 1 - y * y,
        Activation.Relu => y > 0 ? 1 : 0,
        _ => y * (1 - y),
    };

    static double[][] Outer(double[] column, double[] row) => [.. column.Select(c => row.Select(r => c * r).ToArray())];

    static double[] Times(double[] v, double[][] m) => StepByStep.Dot(v, m);

    static double[][] Transpose(double[][] m) => [.. Enumerable.Range(0, m[0].Length).Select(c => m.Select(row => row[c]).ToArray())];

    static double[][] Sum(double[][] a, double[][] b) => [.. a.Zip(b, (x, y) => StepByStep.Add(x, y))];
}
