using System.Globalization;
using System.Text.RegularExpressions;
using GpuRnn.Training.Data;
using GpuRnn.Training.Model;

namespace GpuRnn.Tests;

/// <summary>
/// <c>gpurnn explain --backward</c>: the gradients it prints, read back from its output, equal float64 central finite
/// differences of the scalar engine's own loss (an independent route: the engine's forward pass, not the hand one),
/// for the tutorial's demo network and a stacked tanh one; every figure is plain decimal with at least 7 significant
/// digits; δ is printed from the last step to the first.
/// </summary>
public sealed partial class ExplainBackwardTests
{
    [Theory]
    [InlineData("2", "linear", "1,2,3", "0.5")]
    [InlineData("3,2", "tanh", "0.3,-0.1,0.7,0.2", "-0.25")]
    public void The_printed_gradients_equal_finite_differences_of_the_engine_s_loss(string units, string activation, string input, string target)
    {
        var run = CliRun.Of("explain", "--backward", "--target", target, "--units", units, "--activation", activation, "--input", input);
        Assert.Equal(0, run.ExitCode);
        var xs = input.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var spec = new ModelSpec(1, [.. units.Split(',').Select(int.Parse)], 1, ActivationNames.Parse(activation), ActivationNames.Parse("linear"), xs.Length);
        var layout = spec.Layout();
        var weights = Initializers.KerasDefaults(layout, seed: 1).Select(w => (double)w).ToArray();
        double y = double.Parse(target, CultureInfo.InvariantCulture);

        var printed = new List<double>();
        foreach (var line in run.Out.Split('\n').Where(l => l.StartsWith("∂L/∂", StringComparison.Ordinal)))
        {
            string total = line[(line.LastIndexOf(" = ", StringComparison.Ordinal) + 3)..line.LastIndexOf("   (", StringComparison.Ordinal)];
            printed.AddRange(Number().Matches(total).Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)));
        }
        Assert.Equal(layout.Count, printed.Count);
        for (int i = 0; i < layout.Count; i++)
        {
            double h = 1e-6 * Math.Max(1, Math.Abs(weights[i]));
            var up = (double[])weights.Clone();
            var down = (double[])weights.Clone();
            up[i] += h;
            down[i] -= h;
            double numeric = (Loss(spec, up, xs, y) - Loss(spec, down, xs, y)) / (2 * h);
            // 7 significant digits printed: good to 5e-7 of the value.
            Assert.True(Math.Abs(printed[i] - numeric) <= 1e-6 * Math.Max(1e-3, Math.Abs(numeric)) + 1e-9, $"parameter {i}: printed {printed[i]}, finite differences {numeric}");
        }
        Assert.Equal(3, Regex.Matches(run.Out, "agree: yes").Count);
        Assert.DoesNotContain("agree: NO", run.Out);
    }

    [Fact]
    public void Deltas_run_from_the_last_step_to_the_first_and_figures_are_plain_decimals()
    {
        var run = CliRun.Of("explain", "--backward", "--target", "0.5");
        var deltas = run.Out.Split('\n').Where(l => l.StartsWith("δ", StringComparison.Ordinal)).Select(l => l[..2]).ToList();
        Assert.Equal(["δ3", "δ2", "δ1"], deltas);
        // The hand computation's lines (the agreement lines after them quote differences in G2).
        string backward = run.Out[run.Out.IndexOf("Backward pass", StringComparison.Ordinal)..].Split("the scalar engine's")[0];
        foreach (Match m in Regex.Matches(backward, @"(?<![\w.])-?\d+\.\d+"))
        {
            string digits = m.Value.TrimStart('-').Replace(".", "", StringComparison.Ordinal).TrimStart('0');
            Assert.True(digits.Length >= 7, $"{m.Value} has fewer than 7 significant digits");
        }
        Assert.DoesNotMatch(@"\d[eE][+-]?\d", backward);
    }

    [Fact]
    public void A_saved_model_explains_with_its_own_network()
    {
        using var dir = new TempDir();
        Assert.Equal(0, CliRun.Of("train", "--epochs", "1", "--no-plot", "--no-baseline", "--save", dir.File("m.json")).ExitCode);
        var run = CliRun.Of("explain", "--model", dir.File("m.json"), "--backward", "--target", "0.3", "--input", "0.1,0.2,0.3,0.4");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("SimpleRNN(3, tanh)", run.Out);
        Assert.Equal(3, Regex.Matches(run.Out, "agree: yes").Count);
    }

    [Theory]
    [InlineData(new[] { "explain", "--backward" }, "--target")]
    [InlineData(new[] { "explain", "--target", "1" }, "--backward")]
    [InlineData(new[] { "explain", "--backward", "--target", "x" }, "--target")]
    [InlineData(new[] { "explain", "--backward", "--target", "1,2" }, "--target")]
    public void Bad_backward_input_gets_one_line_and_exit_2(string[] args, string mentioned)
    {
        var run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(mentioned, run.Err);
        Assert.Single(run.Err.Trim().Split('\n'));
    }

    /// <summary>The scalar engine's mean squared error for one window, in float64.</summary>
    static double Loss(ModelSpec spec, double[] weights, double[] xs, double y)
    {
        using var engine = new ScalarEngine<double>(spec);
        engine.SetTrainingData(new WindowSet([.. xs.Select(x => (float)x)], [(float)y], 1, xs.Length, 1, 1));
        engine.SetParametersExact(weights);
        engine.Forward(0, 1);
        return engine.TakeLossSum();
    }

    [GeneratedRegex(@"-?\d+(\.\d+)?")]
    private static partial Regex Number();
}
