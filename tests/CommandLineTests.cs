namespace GpuRnn.Tests;

/// <summary>
/// Issue 8, items 5 and 7: the command line reads the same whatever the locale, and every mistake on it is one
/// readable line (no .NET type names, no stack trace, enum names in any case, a mistyped command named).
/// </summary>
public class CommandLineTests
{
    public static TheoryData<string, string[], string> Mistakes() => new()
    {
        { "mistyped command", ["trian"], "unknown command 'trian'; did you mean 'train'?" },
        { "unknown command", ["frobnicate"], "unknown command 'frobnicate'" },
        { "mistyped option", ["train", "--epoch", "3"], "unknown option '--epoch' for 'train'; did you mean '--epochs'?" },
        { "misspelt option", ["train", "--learnig-rate", "0.1"], "did you mean '--learning-rate'?" },
        { "option of another command", ["sweep", "--lr", "0.1"], "unknown option '--lr' for 'sweep'; did you mean '--lrs'?" },
        { "start of an option", ["predict", "--mod", "m.json"], "did you mean '--model'?" },
        { "option far from any", ["train", "--zzzzzz"], "unknown option '--zzzzzz' for 'train' ('gpurnn train --help' lists them)" },
        { "word for a number", ["train", "--epochs", "many"], "--epochs takes a whole number (got 'many')" },
        { "decimal for a whole number", ["train", "--stride", "1.5"], "--stride takes a whole number (got '1.5')" },
        { "word for a fraction", ["train", "--split", "most"], "--split takes a number (got 'most')" },
        { "rate beyond float", ["train", "--lr", "1e40"], "--learning-rate takes a number (got '1e40')" },
        { "unknown accelerator", ["train", "--accelerator", "warp"], "--accelerator takes one of auto, cuda, opencl, simd, ilgpu-cpu, scalar (fast and cpu are old names for simd and ilgpu-cpu) (got 'warp')" },
        { "unknown scaling", ["train", "--scale-on", "some"], "--scale-on takes all or train (got 'some')" },
        { "number for a scaling name", ["train", "--scale-on", "1"], "--scale-on takes all or train (got '1')" },
        { "sweep word for a number", ["sweep", "--epochs", "x"], "--epochs takes a whole number (got 'x')" },
        { "explain input beyond float32", ["explain", "--input", "1e308,1e308"], "--input" },
        { "explain input driving the network out of range", ["explain", "--input", "3e38,3e38", "--hidden", "2"], "out of range" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_mistake_is_one_readable_line_and_exit_two(string what, string[] args, string message)
    {
        var run = CliRun.Of(args);
        Assert.True(run.ExitCode == 2, $"{what}: exit {run.ExitCode}: {run.Err}");
        var lines = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"{what}: {run.Err}");
        Assert.Contains(message, lines[0]);
        Assert.DoesNotMatch(@"System\.|`1|GpuRnn\.Training|   at ", run.Err);
        Assert.Equal("", run.Out);
    }

    /// <summary>Every command's --help writes placeholders and defaults one way: capitals (N, X, FILE, choices), never the option's own name echoed, and "[default: …]".</summary>
    [Theory]
    [InlineData("train")]
    [InlineData("predict")]
    [InlineData("forecast")]
    [InlineData("sweep")]
    [InlineData("train-many")]
    [InlineData("merge")]
    [InlineData("explain")]
    [InlineData("devices")]
    public void Help_writes_placeholders_and_defaults_one_way(string command)
    {
        var help = CliRun.Of(command, "--help").Out;
        var options = help[help.IndexOf("Options:", StringComparison.Ordinal)..];
        Assert.DoesNotMatch(@"<[a-z][a-z-]*>", options); // e.g. <epochs>: System.CommandLine echoing the name
        Assert.DoesNotContain("(default:", options);
        if (command == "train") Assert.Contains("--epochs <N>", options);
    }

    /// <summary>An option that means the same in two commands is spelt the same in both (old spellings stay as aliases).</summary>
    [Fact]
    public void Train_and_sweep_spell_their_shared_options_alike()
    {
        string train = CliRun.Of("train", "--help").Out, sweep = CliRun.Of("sweep", "--help").Out;
        foreach (var (one, several) in new[] { ("--hidden, --units", "--hidden, --units"), ("--learning-rate, --lr", "--learning-rates, --lrs"), ("--time-steps", "--time-steps"),
            ("--epochs", "--epochs"), ("--batch-size", "--batch-size"), ("--validation-split", "--validation-split"), ("--accelerator", "--accelerator") })
        {
            Assert.Contains(one, train);
            Assert.Contains(several, sweep);
        }
        var units = CliRun.Of("sweep", "--units", "two");
        Assert.Equal(2, units.ExitCode);
        Assert.DoesNotContain("unknown option", units.Err); // --units is sweep's too: refused for its value, not its name
    }

    [Fact]
    public void A_bare_gpurnn_prints_its_usage()
    {
        var run = CliRun.Of();
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Out);
        foreach (var command in new[] { "train", "predict", "explain", "forecast", "sweep", "devices" }) Assert.Contains(command, run.Out);
    }

    [Theory]
    [InlineData("--accelerator", "SCALAR")]
    [InlineData("--accelerator", "Fast")]
    [InlineData("--accelerator", "SIMD")]
    [InlineData("--scale-on", "TRAIN")]
    public void Enum_values_are_taken_in_any_case(string option, string value)
    {
        var run = CliRun.Of("train", option, value, "--epochs", "1", "--no-plot", "--no-baseline");
        Assert.True(run.ExitCode == 0, run.Err);
    }

    /// <summary>Item 5: with a German locale really in force, --lr 0.001 stayed 1 and --split 0.8 became 8.</summary>
    [Fact]
    public void Options_and_printed_figures_ignore_the_locale()
    {
        if (!File.Exists(CliProcess.Executable)) Assert.Skip("the gpurnn executable is not beside the tests");
        using var dir = new TempDir();
        var german = new Dictionary<string, string> { ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "0", ["LANG"] = "de_DE.UTF-8", ["LC_ALL"] = "de_DE.UTF-8" };
        var (code, output, err) = CliProcess.Run(dir.Path, german, "train", "--lr", "0.001", "--split", "0.8", "--epochs", "2", "--no-plot", "--no-baseline");
        if (code != 0 && err.Contains("ICU", StringComparison.Ordinal)) Assert.Skip($"no ICU here to run with a real locale: {err.Trim()}");
        Assert.True(code == 0, err);
        Assert.Contains("Adam lr 0.001,", output);
        Assert.Contains("split 2256/564", output);
        Assert.Matches(@"Epoch 1/2  loss 0\.\d{6}  \d+\.\d ms", output);
        Assert.Matches(@"Test RMSE:\s+0\.\d+ \(scaled\)\s+\d+\.\d+ \(Sunspots", output);
        Assert.DoesNotMatch(@"\d,\d", output.Replace("2256/564, 187", "").Replace(", ", " "));
    }
}
