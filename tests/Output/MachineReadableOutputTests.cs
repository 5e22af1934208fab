using System.Globalization;
using System.Text.RegularExpressions;
using GpuRnn.Tests.Files;

namespace GpuRnn.Tests.Output;

/// <summary>
/// Forecasting features, item 3: predict and forecast print CSV and nothing else on stdout (human lines on stderr),
/// or write it to --output; train --history logs each epoch as it ends; figures are PNG or SVG as their names say.
/// </summary>
public partial class MachineReadableOutputTests
{
    // Keras get_weights() of SimpleRNN(3) + Dense(1), a model for any series (the scaler is fitted on it).
    const string Weights = "[[[0.1, -0.2, 0.3]], [[1,0,0],[0,1,0],[0,0,1]], [0,0,0], [[0.5],[-0.4],[0.3]], [0]]";
    const int Values = 80;

    static TempDir Folder()
    {
        var dir = new TempDir();
        File.WriteAllText(dir.File("d.csv"), "t,v\n" + string.Join("\n", Enumerable.Range(0, Values).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i},{Math.Sin(i / 5.0) + 2:F4}"))) + "\n");
        File.WriteAllText(dir.File("w.json"), Weights);
        return dir;
    }

    static string[] Args(TempDir dir, params string[] args) => [.. args.Select(a => a.Replace("{dir}", dir.Path, StringComparison.Ordinal))];

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [GeneratedRegex(@"^-?\d+(\.\d+)?(E[-+]?\d+)?$")]
    private static partial Regex Number();

    [Fact]
    public void Predict_prints_only_csv_on_stdout_a_row_per_window_and_its_figures_on_stderr()
    {
        using var dir = Folder();
        var run = CliRun.Of(Args(dir, "predict", "--model", "{dir}/w.json", "--data", "{dir}/d.csv", "--column", "v", "--time-steps", "4", "--stride", "3"));

        Assert.True(run.ExitCode == 0, run.Err);
        var lines = Lines(run.Out);
        Assert.Equal("index,actual,predicted", lines[0]);
        int[] targets = [.. Enumerable.Range(0, Values).Where(t => t >= 4 && (t - 4) % 3 == 0)]; // a window of 4 before each
        Assert.Equal(targets.Length, lines.Length - 1);
        var series = File.ReadAllLines(dir.File("d.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        foreach (var (line, target) in lines.Skip(1).Zip(targets))
        {
            var cells = line.Split(',');
            Assert.Equal(3, cells.Length);
            Assert.All(cells, c => Assert.Matches(Number(), c));
            Assert.Equal(target, int.Parse(cells[0], CultureInfo.InvariantCulture));
            Assert.Equal(series[target], double.Parse(cells[1], CultureInfo.InvariantCulture));
        }
        Assert.Contains("Model RMSE:", run.Err);
        Assert.Contains("Naive RMSE:", run.Err);
        Assert.Contains("Model vs naive", run.Err);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Predict_output_writes_the_same_csv_to_the_file_in_one_step_and_nothing_to_stdout()
    {
        using var dir = Folder();
        string[] common = ["predict", "--model", "{dir}/w.json", "--data", "{dir}/d.csv", "--column", "v", "--time-steps", "4"];
        var printed = CliRun.Of(Args(dir, common));
        File.WriteAllText(dir.File("p.csv"), "old");
        File.SetUnixFileMode(dir.File("p.csv"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var written = CliRun.Of(Args(dir, [.. common, "--output", "{dir}/p.csv"]));

        Assert.True(written.ExitCode == 0, written.Err);
        Assert.Equal("", written.Out);
        Assert.Equal(printed.Out, File.ReadAllText(dir.File("p.csv")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(dir.File("p.csv"))); // replaced, mode kept
        Assert.Contains($"CSV: {dir.File("p.csv")}", written.Err);
        Assert.Contains("Model RMSE:", written.Err);
        Assert.Empty(Directory.GetFiles(dir.Path, ".*.tmp"));
    }

    [Fact]
    public void Forecast_prints_only_csv_on_stdout_and_writes_it_with_its_plot_to_files()
    {
        using var dir = Folder();
        string[] common = ["forecast", "--model", "{dir}/w.json", "--data", "{dir}/d.csv", "--column", "v", "--time-steps", "4", "--horizon", "5"];
        var printed = CliRun.Of(Args(dir, [.. common, "--no-plot"]));

        Assert.True(printed.ExitCode == 0, printed.Err);
        var lines = Lines(printed.Out);
        Assert.Equal("step,index,forecast", lines[0]);
        Assert.Equal(["1,80", "2,81", "3,82", "4,83", "5,84"], lines.Skip(1).Select(l => string.Join(',', l.Split(',')[..2])));
        Assert.All(lines.Skip(1), l => Assert.Matches(Number(), l.Split(',')[2]));
        Assert.Contains("Forecast of v for 5 step(s) after the 80 values", printed.Err);

        var written = CliRun.Of(Args(dir, [.. common, "--output", "{dir}/f.csv", "--plot", "{dir}/ahead.svg"]));
        Assert.True(written.ExitCode == 0, written.Err);
        Assert.Equal("", written.Out);
        Assert.Equal(printed.Out, File.ReadAllText(dir.File("f.csv")));
        Assert.StartsWith("<?xml", File.ReadAllText(dir.File("ahead.svg")));
    }

    public static TheoryData<string, string[], string> Clashes() => new()
    {
        { "predict output on its data", ["predict", "--model", "{dir}/w.json", "--data", "{dir}/d.csv", "--column", "v", "--output", "{dir}/d.csv"], "would overwrite the input --data" },
        { "predict output on a link to its data", ["predict", "--model", "{dir}/w.json", "--data", "{dir}/d.csv", "--column", "v", "--output", "{dir}/link.csv"], "would overwrite the input --data" },
        { "predict output on its model", ["predict", "--model", "{dir}/w.json", "--data", "{dir}/d.csv", "--column", "v", "--output", "{dir}/w.json"], "would overwrite the input --model" },
        { "forecast output on its model", ["forecast", "--model", "{dir}/w.json", "--data", "{dir}/d.csv", "--column", "v", "--horizon", "2", "--output", "{dir}/w.json"], "would overwrite the input --model" },
        { "forecast output on its plot", ["forecast", "--model", "{dir}/w.json", "--data", "{dir}/d.csv", "--column", "v", "--horizon", "2", "--output", "{dir}/a.png", "--plot", "{dir}/a.png"], "are the same file" },
        { "history on the data", ["train", "--data", "{dir}/d.csv", "--column", "v", "--no-plot", "--history", "{dir}/d.csv"], "would overwrite the input --data" },
        { "history on the saved model", ["train", "--data", "{dir}/d.csv", "--column", "v", "--no-plot", "--save", "{dir}/m.json", "--history", "{dir}/m.json"], "are the same file" },
        { "history on the plot", ["train", "--data", "{dir}/d.csv", "--column", "v", "--plot", "{dir}/p.png", "--history", "{dir}/p.png"], "are the same file" },
    };

    /// <summary>An output on an input or on another output: refused in one line before any work, the folder untouched.</summary>
    [Theory]
    [MemberData(nameof(Clashes))]
    public void An_output_on_an_input_or_another_output_is_refused(string what, string[] args, string message)
    {
        using var dir = Folder();
        File.CreateSymbolicLink(dir.File("link.csv"), dir.File("d.csv"));
        var before = OutputSafetyTests.Snapshot(dir.Path);

        var run = CliRun.Of(Args(dir, args));

        OutputSafetyTests.AssertRefused(run, message, what);
        Assert.Equal("", run.Out);
        Assert.Equal(before, OutputSafetyTests.Snapshot(dir.Path));
    }

    [Fact]
    public void A_predict_that_fails_writes_no_output()
    {
        using var dir = Folder();
        var run = CliRun.Of(Args(dir, "predict", "--model", "{dir}/w.json", "--data", "{dir}/d.csv", "--column", "v", "--time-steps", "100", "--output", "{dir}/p.csv"));
        OutputSafetyTests.AssertRefused(run, "too short", "series shorter than a window");
        Assert.False(File.Exists(dir.File("p.csv")));
    }

    [GeneratedRegex(@"^Epoch\s+(\d+)/\d+\s+loss (\S+)(?:\s+val_loss (\S+))?")]
    private static partial Regex EpochLine();

    /// <summary>One line per epoch after the header, the losses those the epoch lines print (to their six decimals).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_history_has_a_header_and_a_line_per_epoch_with_the_printed_losses(bool validation)
    {
        using var dir = Folder();
        string[] args = ["train", "--data", "{dir}/d.csv", "--column", "v", "--time-steps", "4", "--epochs", "5", "--no-plot", "--no-baseline", "--history", "{dir}/h.csv"];
        var run = CliRun.Of(Args(dir, validation ? [.. args, "--validation-split", "0.25"] : args));

        Assert.True(run.ExitCode == 0, run.Err);
        var lines = File.ReadAllLines(dir.File("h.csv"));
        Assert.Equal("epoch,loss,val_loss,time", lines[0]);
        var printed = Lines(run.Out).Select(l => EpochLine().Match(l)).Where(m => m.Success).ToArray();
        Assert.Equal(5, printed.Length);
        Assert.Equal(printed.Length + 1, lines.Length);
        foreach (var (line, epoch) in lines.Skip(1).Zip(printed))
        {
            var cells = line.Split(',');
            Assert.Equal(4, cells.Length);
            Assert.Equal(epoch.Groups[1].Value, cells[0]);
            Assert.Equal(epoch.Groups[2].Value, double.Parse(cells[1], CultureInfo.InvariantCulture).ToString("F6", CultureInfo.InvariantCulture));
            Assert.Equal(validation ? epoch.Groups[3].Value : "", validation ? double.Parse(cells[2], CultureInfo.InvariantCulture).ToString("F6", CultureInfo.InvariantCulture) : cells[2]);
            Assert.InRange(double.Parse(cells[3], CultureInfo.InvariantCulture), 0, 60);
        }
        Assert.Contains($"History: {dir.File("h.csv")}", run.Out);
    }

    /// <summary>The history is a log: a run that diverges keeps the epochs it finished (the last one's loss is the
    /// non-finite one that stopped it), while its model and plots are never written.</summary>
    [Fact]
    public void The_history_is_kept_when_training_diverges_and_nothing_else_is_written()
    {
        using var dir = Folder();
        var run = CliRun.Of(Args(dir, "train", "--data", "{dir}/d.csv", "--column", "v", "--lr", "1e30", "--activation", "linear", "--output-activation", "linear",
            "--epochs", "50", "--save", "{dir}/m.json", "--plot", "{dir}/p.png", "--no-baseline", "--history", "{dir}/h.csv"));

        Assert.Equal(1, run.ExitCode);
        var lines = File.ReadAllLines(dir.File("h.csv"));
        Assert.Equal("epoch,loss,val_loss,time", lines[0]);
        Assert.True(lines.Length >= 2, "no epoch was logged");
        Assert.Equal(Enumerable.Range(1, lines.Length - 1).Select(e => e.ToString(CultureInfo.InvariantCulture)), lines.Skip(1).Select(l => l.Split(',')[0]));
        Assert.False(double.IsFinite(double.Parse(lines[^1].Split(',')[1], CultureInfo.InvariantCulture)));
        Assert.Equal(["d.csv", "h.csv", "w.json"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void An_svg_plot_is_svg_and_its_loss_plot_beside_it_too()
    {
        using var dir = Folder();
        var run = CliRun.Of(Args(dir, "train", "--data", "{dir}/d.csv", "--column", "v", "--time-steps", "4", "--epochs", "2", "--no-baseline", "--plot", "{dir}/fit.svg"));

        Assert.True(run.ExitCode == 0, run.Err);
        foreach (var name in new[] { "fit.svg", "fit.loss.svg" })
        {
            string text = File.ReadAllText(dir.File(name));
            Assert.True(text.StartsWith("<?xml", StringComparison.Ordinal) || text.StartsWith("<svg", StringComparison.Ordinal), $"{name}: {text[..Math.Min(40, text.Length)]}");
            Assert.Contains("<svg", text);
            Assert.Contains("</svg>", text);
        }
        Assert.False(File.Exists(dir.File("fit.loss.png")));
    }

    public static TheoryData<string[], string> FigureNames() => new()
    {
        { ["train", "--data", "{dir}/d.csv", "--column", "v", "--plot", "{dir}/fit.jpg"], "--plot" },
        { ["train", "--data", "{dir}/d.csv", "--column", "v", "--plot", "{dir}/fit"], "--plot" },
        { ["train", "--data", "{dir}/d.csv", "--column", "v", "--plot", "{dir}/fit.png", "--loss-plot", "{dir}/loss.gif"], "--loss-plot" },
        { ["forecast", "--model", "{dir}/w.json", "--data", "{dir}/d.csv", "--column", "v", "--horizon", "2", "--plot", "{dir}/ahead.jpeg"], "--plot" },
    };

    /// <summary>A figure name that is neither .png nor .svg: refused in one line before any training, nothing written.</summary>
    [Theory]
    [MemberData(nameof(FigureNames))]
    public void A_figure_named_for_another_format_is_refused_before_any_work(string[] args, string option)
    {
        using var dir = Folder();
        var before = OutputSafetyTests.Snapshot(dir.Path);
        var run = CliRun.Of(Args(dir, args));
        OutputSafetyTests.AssertRefused(run, ".png or .svg", string.Join(' ', args));
        Assert.StartsWith($"gpurnn: {option} ", run.Err);
        Assert.Equal(before, OutputSafetyTests.Snapshot(dir.Path));
    }

    /// <summary>A FIFO or device has no folder of the user's beside it: the plot goes there as PNG, and no loss plot is
    /// made next to it unless --loss-plot asks for one.</summary>
    [Fact]
    public async Task A_plot_into_a_fifo_is_png_and_makes_no_loss_plot_beside_it()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("FIFOs are made with mkfifo on Linux");
        using var dir = Folder();
        SpecialFiles.MakeFifo(dir.File("plot.fifo"));
        var reader = Task.Run(() => File.ReadAllBytes(dir.File("plot.fifo")), TestContext.Current.CancellationToken);

        var run = CliRun.Of(Args(dir, "train", "--data", "{dir}/d.csv", "--column", "v", "--time-steps", "4", "--epochs", "1", "--no-baseline", "--plot", "{dir}/plot.fifo"));

        Assert.True(run.ExitCode == 0, run.Err);
        var bytes = await reader.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.Equal(["d.csv", "plot.fifo", "w.json"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Order());
    }
}
