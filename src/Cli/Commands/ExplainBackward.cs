using GpuRnn.Training.Explain;

namespace GpuRnn.Cli.Commands;

/// <summary>
/// <c>gpurnn explain --backward --target Y</c>: the tutorial's part 1 taken one step further, as micrograd does: the
/// loss, δ at each time step from the last to the first, and each weight's gradient as the sum of its per-step terms,
/// each line with its formula; then the same gradients from the scalar engine and from float64 finite differences.
/// </summary>
static class ExplainBackward
{
    /// <summary>Central differences' step, relative to each weight.</summary>
    const double Epsilon = 1e-6;

    /// <summary>Largest |difference| (relative to max(1, |gradient|)) for "agree": finite differences are good to ~1e-10 here.</summary>
    const double Agreement = 1e-7;

    public static void Write(TextWriter o, ModelSpec spec, float[] weights, double[][] input, double[] target)
    {
        var layout = spec.Layout();
        var p = weights.Select(w => (double)w).ToArray();
        var forward = StepByStep.Compute(layout, p, input);
        var backward = BackwardByHand.Compute(layout, p, forward, target);
        int last = input.Length;
        bool stacked = spec.Layers > 1;
        string H(int l, int t) => stacked ? $"h{l + 1}_{t}" : $"h{t}";
        string D(int l, int t) => stacked ? $"δ{l + 1}_{t}" : $"δ{t}";
        string L(int l) => stacked ? (l + 1).ToString(CultureInfo.InvariantCulture) : "";

        o.WriteLine();
        o.WriteLine($"Backward pass, by hand in float64, for the target y = {Vector(target)}:");
        o.WriteLine($"L = mean over outputs of (o{last} − y)² = {Plain(backward.Loss)}");
        o.WriteLine($"dz = 2(o{last} − y)/{spec.Outputs}·g′(o{last}) = {Vector(backward.OutputDelta)}   ({spec.OutputActivation.ToKeras()}: g′ = {DerivativeText(spec.OutputActivation, "o")})");
        for (int l = spec.Layers - 1; l >= 0; l--)
        {
            if (stacked) o.WriteLine($"layer {l + 1}{(l == spec.Layers - 1 ? " (top)" : "")}: f′ = {DerivativeText(spec.HiddenActivation, "h")}");
            foreach (var step in backward.Layers[l])
            {
                int t = step.T;
                string arriving = l == spec.Layers - 1
                    ? (t == last ? "dz·wyᵀ" : "0")
                    : $"{D(l + 1, t)}·wx{L(l + 1)}ᵀ";
                string fromNext = t == last ? "0" : $"{D(l, t + 1)}·wh{L(l)}ᵀ";
                o.WriteLine($"{D(l, t)} = ({arriving} + {fromNext})·f′({H(l, t)}) = ({Vector(step.Arriving)} + {Vector(step.FromNextStep)})·f′({H(l, t)}) = {Vector(step.Delta)}");
            }
        }
        for (int s = 0; s < layout.Slots.Count; s++)
        {
            var slot = layout.Slots[s];
            bool dense = s >= 3 * spec.Layers;
            int l = s / 3;
            string symbol = dense ? (s == layout.Slots.Count - 2 ? "wy" : "by") : new[] { "wx", "wh", "bh" }[s % 3] + L(l);
            string Term(int t) => dense
                ? (symbol == "wy" ? $"{H(spec.Layers - 1, last)}ᵀ·dz" : "dz")
                : (s % 3) switch
                {
                    0 => $"{(l == 0 ? $"x{t}" : H(l - 1, t))}ᵀ·{D(l, t)}",
                    1 => $"{H(l, t - 1)}ᵀ·{D(l, t)}",
                    _ => D(l, t),
                };
            var terms = backward.Terms[s];
            string h = stacked ? $"h{l + 1}" : "h", d = stacked ? $"δ{l + 1}" : "δ";
            string formula = dense ? Term(last) : (s % 3) switch
            {
                0 => $"Σ_t {(l == 0 ? "x" : $"h{l}")}_tᵀ·{d}_t",
                1 => $"Σ_t {h}_(t−1)ᵀ·{d}_t",
                _ => $"Σ_t {d}_t",
            };
            o.WriteLine($"∂L/∂{symbol} = {formula} = {string.Join(" + ", terms.Select(term => $"{Term(term.T)} {Matrix(term.Value)}"))} = {Matrix(backward.Gradients[s])}   ({slot.Name})");
        }

        var byHand = backward.Flat(layout);
        var engine = EngineGradients(spec, p, input, target);
        var numeric = FiniteDifferences(layout, p, input, target);
        o.WriteLine($"the scalar engine's gradients (ScalarEngine<double>, a batch of one window): {Verdict(byHand, engine)}");
        o.WriteLine($"float64 central finite differences (each weight moved by ±1e-6·max(1, |w|)): {Verdict(byHand, numeric)}");
    }

    static double[] EngineGradients(ModelSpec spec, double[] p, double[][] input, double[] target)
    {
        using var engine = new ScalarEngine<double>(spec);
        engine.SetTrainingData(ExplainCommand.Window(input, [.. target.Select(y => (float)y)]));
        engine.SetParametersExact(p);
        engine.Forward(0, 1);
        engine.Backward();
        return engine.GetGradientsExact();
    }

    static double[] FiniteDifferences(ParameterLayout layout, double[] p, double[][] input, double[] target)
    {
        double Loss(double[] w) => StepByStep.Compute(layout, w, input).Output.Zip(target, (o, y) => (o - y) * (o - y)).Sum() / target.Length;
        var gradient = new double[p.Length];
        var w = (double[])p.Clone();
        for (int i = 0; i < p.Length; i++)
        {
            double h = Epsilon * Math.Max(1, Math.Abs(p[i]));
            w[i] = p[i] + h;
            double up = Loss(w);
            w[i] = p[i] - h;
            double down = Loss(w);
            w[i] = p[i];
            gradient[i] = (up - down) / (2 * h);
        }
        return gradient;
    }

    static string Verdict(double[] byHand, double[] other)
    {
        double worst = byHand.Zip(other, (a, b) => Math.Abs(a - b) / Math.Max(1, Math.Abs(a))).Max();
        return (worst <= Agreement ? "agree: yes" : "agree: NO") + $" (largest difference {worst.ToString("G2", CultureInfo.InvariantCulture)})";
    }

    static string DerivativeText(Activation f, string y) => f switch
    {
        Activation.Linear => "1",
        Activation.Tanh => $"1 − {y}²",
        Activation.Relu => $"1 where {y} > 0, else 0",
        _ => $"{y}(1 − {y})",
    };

    static string Matrix(double[][] m) => "[" + string.Join(", ", m.Select(Vector)) + "]";

    static string Vector(double[] v) => "[" + string.Join(", ", v.Select(Plain)) + "]";

    /// <summary>Plain decimal (no exponent) with at least 7 significant digits.</summary>
    internal static string Plain(double x)
    {
        if (x == 0) return "0";
        if (!double.IsFinite(x)) return x.ToString(CultureInfo.InvariantCulture);
        int decimals = Math.Clamp(7 - 1 - (int)Math.Floor(Math.Log10(Math.Abs(x))), 0, 30);
        return x.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
