using GpuRnn.Cli;

namespace GpuRnn.Tests;

public class CliTests
{
    [Fact]
    public void Train_prints_epochs_rmse_in_both_units_and_time_then_saves_and_predicts()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("train", "--no-plot", "--save", dir.File("m.json"), "--epochs", "3");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("187 train / 46 test windows of 12", run.Out);
        Assert.Contains("Epoch 3/3", run.Out);
        Assert.Matches(@"Train RMSE: 0\.\d+ \(scaled\)\s+\d+(\.\d+)? \(Sunspots, original units\)", run.Out);
        Assert.Matches(@"Test RMSE:\s+0\.\d+ \(scaled\)", run.Out);
        Assert.Contains("Training time:", run.Out);
        Assert.True(File.Exists(dir.File("m.json")));

        // --init-weights with --epochs 0 evaluates the saved weights: the same RMSE as the run that trained them.
        var again = CliRun.Of("train", "--no-plot", "--init-weights", dir.File("m.json"), "--epochs", "0");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(Line(run.Out, "Test RMSE"), Line(again.Out, "Test RMSE"));

        var predict = CliRun.Of("predict", "--model", dir.File("m.json"));
        Assert.Equal(0, predict.ExitCode);
        var lines = predict.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("date,actual,predicted", lines[0]);
        Assert.Equal(1 + 234, lines.Length); // floor(2819 / 12) windows over the whole series
        Assert.StartsWith("1750-01,", lines[1]); // index 12: the 13th month from 1749-01
        var cells = lines[1].Split(',');
        Assert.Equal(SunspotsValue(12), double.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture), 1e-6);
        Assert.InRange(double.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture), -10, 300);
    }

    [Fact]
    public void Explain_reproduces_the_tutorials_part_one()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("w.json"), "[[[0.18662322,-1.2369459]], [[0.86981213,-0.49338293],[0.49338293,0.8698122]], [0,0], [[-0.4635998],[0.6538409]], [0]]");
        var run = CliRun.Of("explain", "--weights", dir.File("w.json"));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("h1 = linear(x1·wx + h0·wh + bh) = [0.18662322, -1.2369459]", run.Out);
        Assert.Contains("o3 = linear(h3·wy + by) = [-3.869812", run.Out);
        Assert.Contains("model prediction = [-3.8698118]", run.Out);
        Assert.Contains("agree: yes", run.Out);
    }

    [Fact]
    public void Every_command_has_help()
    {
        foreach (var command in new[] { "train", "predict", "explain" })
        {
            var run = CliRun.Of(command, "--help");
            Assert.Equal(0, run.ExitCode);
            Assert.Contains("Usage:", run.Out);
        }
    }

    public static TheoryData<string, string[], string> BadInputs()
    {
        var data = new TheoryData<string, string[], string>
        {
            { "missing file", ["--data", "{dir}/nope.csv"], "data file not found" },
            { "unknown column", ["--data", "{dir}/ok.csv", "--column", "Moons"], "unknown column 'Moons'" },
            { "column index out of range", ["--data", "{dir}/ok.csv", "--column", "7"], "out of range" },
            { "non-numeric cell", ["--data", "{dir}/bad.csv"], "'lots' is not a number" },
            { "too-short series", ["--data", "{dir}/short.csv"], "too short" },
            { "zero hidden units", ["--hidden", "0"], "--hidden" },
            { "zero time steps", ["--time-steps", "0"], "time steps" },
            { "zero batch size", ["--batch-size", "0"], "batch size" },
            { "negative epochs", ["--epochs", "-3"], "epochs" },
            { "split above one", ["--split", "1.5"], "split" },
            { "zero stride", ["--stride", "0"], "stride" },
            { "unknown activation", ["--activation", "swish"], "unknown activation 'swish'" },
            { "not a number", ["--epochs", "many"], "many" },
            { "unknown option", ["--warp-speed"], "--warp-speed" },
            { "missing init weights", ["--init-weights", "{dir}/none.json"], "not found" },
            { "init weights of another shape", ["--init-weights", "{dir}/w2.json"], "simple_rnn/kernel should be 1×3" },
        };
        return data;
    }

    /// <summary>Bad input: one clear line on stderr, exit code 2, and neither the model nor the plot written.</summary>
    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_one_line_exit_two_and_no_output_file(string what, string[] args, string message)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("ok.csv"), "t,v\n" + string.Join("\n", Enumerable.Range(0, 60).Select(i => $"{i},{i % 7}")));
        File.WriteAllText(dir.File("bad.csv"), "t,v\n1,2\n2,lots\n3,4\n");
        File.WriteAllText(dir.File("short.csv"), "t,v\n1,2\n2,3\n3,4\n");
        File.WriteAllText(dir.File("w2.json"), "[[[0.1, 0.2]], [[1,0],[0,1]], [0,0], [[1],[1]], [0]]");
        string[] full = ["train", .. args.Select(a => a.Replace("{dir}", dir.Path)), "--save", dir.File("model.json"), "--plot", dir.File("plot.png")];

        var run = CliRun.Of(full);

        Assert.True(run.ExitCode == 2, $"{what}: exit code {run.ExitCode}, stderr: {run.Err}");
        var lines = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("gpurnn: ", lines[0]);
        Assert.Contains(message, lines[0]);
        Assert.DoesNotContain("   at ", run.Err);
        Assert.False(File.Exists(dir.File("model.json")), $"{what}: a model file was written");
        Assert.False(File.Exists(dir.File("plot.png")), $"{what}: a plot was written");
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void Predict_and_explain_refuse_bad_input_too()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("junk.json"), "{ not json");
        foreach (var args in new[] { new[] { "predict", "--model", dir.File("none.json") }, ["predict", "--model", dir.File("junk.json")],
                     ["predict"], ["explain", "--input", "1,x"], ["explain", "--units", "-2"] })
        {
            var run = CliRun.Of(args);
            Assert.Equal(2, run.ExitCode);
            Assert.Single(run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    static string Line(string text, string prefix) => text.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal));

    static double SunspotsValue(int index) => GpuRnn.Training.Data.SunspotsDataset.Load().Values[index];

    [Fact]
    public void A_split_that_leaves_no_test_window_says_so_instead_of_printing_nan()
    {
        var run = CliRun.Of("train", "--split", "1", "--epochs", "1", "--no-plot", "--no-baseline");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Test RMSE:  n/a (the test part, 0 values, makes no window of 12 steps)", run.Out);
        Assert.DoesNotContain("NaN", run.Out);
    }

    /// <summary>The scalar baseline never silently doubles a long run: about a second, scaled up, and said so.</summary>
    [Fact]
    public void The_baseline_is_timed_whole_when_short_and_estimated_from_a_sample_when_long()
    {
        var tutorial = CliRun.Of("train", "--epochs", "2", "--no-plot", "--accelerator", "fast");
        Assert.Matches(@"Baseline: \d+\.\d ms on scalar \(same seed and data\)", tutorial.Out);

        var longer = CliRun.Of("train", "--hidden", "64", "--stride", "1", "--epochs", "6", "--no-plot", "--accelerator", "fast");
        Assert.True(longer.ExitCode == 0, longer.Err);
        Assert.Matches(@"Baseline: ≈\d+\.\d ms on scalar, estimated from \d+ of the run's \d+ steps, timed in 1\d{3}\.\d ms \(--baseline full times it all\)", longer.Out);
    }

    /// <summary>A speed-up from two runs of a few milliseconds says so: the engine's run, first in a cold process, bears its warm-up.</summary>
    [Fact]
    public void A_speed_up_from_runs_under_50_ms_carries_its_caveat()
    {
        static TrainingHistory Took(double ms) => new([], TimeSpan.FromMilliseconds(ms), 100);
        string shortRuns = GpuRnn.Cli.Commands.TrainCommand.BaselineLine(Took(6), Took(10), "simd");
        Assert.StartsWith("Baseline: 6.0 ms on scalar (same seed and data); speed-up on simd: 0.6× (scalar time / simd time); both runs are under 50 ms", shortRuns);
        Assert.DoesNotContain("under 50 ms", GpuRnn.Cli.Commands.TrainCommand.BaselineLine(Took(600), Took(10), "simd"));
        Assert.DoesNotContain("under 50 ms", GpuRnn.Cli.Commands.TrainCommand.BaselineLine(Took(6), Took(60), "simd"));
    }
}
