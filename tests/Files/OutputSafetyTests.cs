using System.Security.Cryptography;
using GpuRnn.Training.Files;

namespace GpuRnn.Tests.Files;

/// <summary>
/// Issue 8, items 1–3: no output lands on an input or on another output, whatever the spelling; every output path
/// is checked before any work; a failed command leaves no new file; links are followed, devices and FIFOs are never
/// replaced, modes and owners are kept. Each case runs the real CLI in its own folder and compares the folder before
/// and after.
/// </summary>
public class OutputSafetyTests
{
    // Keras get_weights() of SimpleRNN(3) + Dense(1): usable as --init-weights and as a --model.
    const string Weights = "[[[0.1, -0.2, 0.3]], [[1,0,0],[0,1,0],[0,0,1]], [0,0,0], [[0.5],[-0.4],[0.3]], [0]]";

    static TempDir Folder()
    {
        var dir = new TempDir();
        File.WriteAllText(dir.File("d.csv"), "t,v\n" + string.Join("\n", Enumerable.Range(0, 80).Select(i => $"{i},{Math.Sin(i / 5.0) + 2:F4}")) + "\n");
        File.WriteAllText(dir.File("w.json"), Weights);
        Directory.CreateDirectory(dir.File("sub"));
        return dir;
    }

    /// <summary>Every entry: path → (kind, SHA-256 of the bytes for regular files), links not followed.</summary>
    internal static Dictionary<string, string> Snapshot(string dir) =>
        Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).ToDictionary(p => p, p =>
        {
            var kind = SpecialFiles.Kind(p);
            return kind == FileKind.Regular ? $"{kind} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))}" : kind.ToString();
        });

    internal static void AssertRefused(CliRun run, string message, string what)
    {
        Assert.True(run.ExitCode == 2, $"{what}: exit code {run.ExitCode}; stderr: {run.Err}");
        var lines = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"{what}: {lines.Length} stderr lines: {run.Err}");
        Assert.StartsWith("gpurnn: ", lines[0]);
        Assert.Contains(message, lines[0]);
        Assert.DoesNotContain("   at ", run.Err);
        Assert.DoesNotContain("Epoch", run.Out); // refused before any training
    }

    public static TheoryData<string, string[], string> Clashes() => new()
    {
        { "save on the data", ["train", "--data", "{dir}/d.csv", "--column", "v", "--save", "{dir}/d.csv", "--no-plot"], "would overwrite the input --data" },
        { "plot on the data, spelt a/../b", ["train", "--data", "{dir}/d.csv", "--column", "v", "--plot", "{dir}/sub/../d.csv"], "would overwrite the input --data" },
        { "save on a symbolic link to the data", ["train", "--data", "{dir}/d.csv", "--column", "v", "--save", "{dir}/link.csv", "--no-plot"], "would overwrite the input --data" },
        { "save on a hard link to the data", ["train", "--data", "{dir}/d.csv", "--column", "v", "--save", "{dir}/hard.csv", "--no-plot"], "would overwrite the input --data" },
        { "loss plot on the initial weights", ["train", "--data", "{dir}/d.csv", "--column", "v", "--init-weights", "{dir}/w.json", "--plot", "{dir}/p.png", "--loss-plot", "{dir}/w.json"], "would overwrite the input --init-weights" },
        { "save and plot on one file", ["train", "--data", "{dir}/d.csv", "--column", "v", "--save", "{dir}/x.json", "--plot", "{dir}/x.json"], "are the same file" },
        { "plot and loss plot on one file", ["train", "--data", "{dir}/d.csv", "--column", "v", "--plot", "{dir}/p.png", "--loss-plot", "{dir}/sub/../p.png"], "are the same file" },
        { "forecast plot on the model", ["forecast", "--model", "{dir}/w.json", "--data", "{dir}/d.csv", "--column", "v", "--horizon", "3", "--plot", "{dir}/w.json"], "would overwrite the input --model" },
        { "forecast plot on the data", ["forecast", "--model", "{dir}/w.json", "--data", "{dir}/d.csv", "--column", "v", "--horizon", "3", "--plot", "{dir}/link.csv"], "would overwrite the input --data" },
        { "sweep csv on the data", ["sweep", "--data", "{dir}/d.csv", "--column", "v", "--hidden", "2", "--time-steps", "4", "--seeds", "1", "--lrs", "0.01", "--csv", "{dir}/d.csv"], "would overwrite the input --data" },
        { "sweep csv and best model on one file", ["sweep", "--data", "{dir}/d.csv", "--column", "v", "--hidden", "2", "--time-steps", "4", "--seeds", "1", "--lrs", "0.01", "--csv", "{dir}/s.csv", "--save-best", "{dir}/s.csv"], "are the same file" },
    };

    [Theory]
    [MemberData(nameof(Clashes))]
    public void An_output_on_an_input_or_on_another_output_is_refused_before_training(string what, string[] args, string message)
    {
        using var dir = Folder();
        File.CreateSymbolicLink(dir.File("link.csv"), dir.File("d.csv"));
        SpecialFiles.Shell("ln", dir.File("d.csv"), dir.File("hard.csv"));
        var before = Snapshot(dir.Path);

        var run = CliRun.Of([.. args.Select(a => a.Replace("{dir}", dir.Path))]);

        AssertRefused(run, message, what);
        Assert.Equal(before, Snapshot(dir.Path)); // inputs byte-identical, links still links, nothing new
    }

    public static TheoryData<string, string[], string> BadOutputs() => new()
    {
        { "empty --save", ["train", "--save", "", "--plot", "{dir}/p.png"], "--save needs a file name" },
        { "empty --plot", ["train", "--save", "{dir}/m.json", "--plot", ""], "--plot needs a file name" },
        { "empty --loss-plot", ["train", "--save", "{dir}/m.json", "--loss-plot", ""], "--loss-plot needs a file name" },
        { "plot in a missing folder", ["train", "--save", "{dir}/m.json", "--plot", "{dir}/nodir/p.png"], "does not exist" },
        { "save onto a folder", ["train", "--save", "{dir}/sub", "--no-plot"], "is a folder" },
        { "empty forecast --plot", ["forecast", "--model", "{dir}/w.json", "--horizon", "2", "--plot", ""], "--plot needs a file name" },
        { "empty sweep --csv", ["sweep", "--hidden", "2", "--time-steps", "4", "--seeds", "1", "--lrs", "0.01", "--csv", ""], "--csv needs a file name" },
        { "empty sweep --save-best", ["sweep", "--hidden", "2", "--time-steps", "4", "--seeds", "1", "--lrs", "0.01", "--csv", "{dir}/s.csv", "--save-best", ""], "--save-best needs a file name" },
        { "sweep csv in a missing folder", ["sweep", "--hidden", "2", "--time-steps", "4", "--seeds", "1", "--lrs", "0.01", "--csv", "{dir}/nodir/s.csv"], "does not exist" },
    };

    /// <summary>Item 3: every output path is checked before any work, and a refused run writes nothing at all.</summary>
    [Theory]
    [MemberData(nameof(BadOutputs))]
    public void A_bad_output_path_is_refused_before_any_work_and_nothing_is_written(string what, string[] args, string message)
    {
        using var dir = Folder();
        var before = Snapshot(dir.Path);
        var run = CliRun.Of([.. args.Select(a => a.Replace("{dir}", dir.Path))]);
        AssertRefused(run, message, what);
        Assert.DoesNotContain("Sweep:", run.Out);
        Assert.Equal(before, Snapshot(dir.Path));
    }

    [Fact]
    public void A_run_that_fails_after_training_leaves_no_new_file()
    {
        using var dir = Folder();
        var before = Snapshot(dir.Path);
        // A learning rate this large diverges: exit 1, after the outputs were planned.
        var run = CliRun.Of("train", "--data", dir.File("d.csv"), "--column", "v", "--lr", "1e30", "--activation", "linear", "--output-activation", "linear",
            "--epochs", "50", "--save", dir.File("m.json"), "--plot", dir.File("p.png"), "--no-baseline");
        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(before, Snapshot(dir.Path));
    }

    [Fact]
    public void A_symbolic_link_is_followed_and_stays_a_link_a_dangling_one_creates_its_target()
    {
        using var dir = Folder();
        File.WriteAllText(dir.File("real.json"), "old");
        File.CreateSymbolicLink(dir.File("model.json"), "real.json"); // relative, as ln -s writes it
        File.CreateSymbolicLink(dir.File("plot.png"), dir.File("sub/new.png")); // dangling: the target does not exist yet

        var run = CliRun.Of("train", "--epochs", "1", "--no-baseline", "--save", dir.File("model.json"), "--plot", dir.File("plot.png"), "--loss-plot", dir.File("loss.png"));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(FileKind.SymbolicLink, SpecialFiles.Kind(dir.File("model.json")));
        Assert.Equal("real.json", new FileInfo(dir.File("model.json")).LinkTarget);
        Assert.Contains("\"format\"", File.ReadAllText(dir.File("real.json")));
        Assert.Equal(FileKind.SymbolicLink, SpecialFiles.Kind(dir.File("plot.png")));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(dir.File("sub/new.png"))[..4]);
    }

    [Fact]
    public async Task A_fifo_is_written_to_and_stays_a_fifo()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("FIFOs are made with mkfifo on Linux");
        using var dir = Folder();
        SpecialFiles.MakeFifo(dir.File("plot.fifo"));
        var reader = Task.Run(() => File.ReadAllBytes(dir.File("plot.fifo")), TestContext.Current.CancellationToken); // a FIFO's writer waits for a reader

        var run = CliRun.Of("train", "--epochs", "1", "--no-baseline", "--plot", dir.File("plot.fifo"), "--loss-plot", dir.File("loss.png"));

        Assert.Equal(0, run.ExitCode);
        var bytes = await reader.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.Equal(FileKind.Fifo, SpecialFiles.Kind(dir.File("plot.fifo")));
    }

    /// <summary>
    /// The two figures render at once, but are written in the order they always were, forecast first: a reader that
    /// takes two FIFOs in that order must not wait on a writer blocked on the other one.
    /// </summary>
    [Fact]
    public async Task Two_fifos_are_written_in_order_the_forecast_first()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("FIFOs are made with mkfifo on Linux");
        using var dir = Folder();
        SpecialFiles.MakeFifo(dir.File("plot.fifo"));
        SpecialFiles.MakeFifo(dir.File("loss.fifo"));
        var reader = Task.Run(() => (File.ReadAllBytes(dir.File("plot.fifo")), File.ReadAllBytes(dir.File("loss.fifo"))), TestContext.Current.CancellationToken);

        var run = Task.Run(() => CliRun.Of("train", "--epochs", "2", "--no-baseline", "--plot", dir.File("plot.fifo"), "--loss-plot", dir.File("loss.fifo")),
            TestContext.Current.CancellationToken);
        try
        {
            Assert.Equal(0, (await run.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken)).ExitCode);
        }
        catch (TimeoutException)
        {
            _ = Task.Run(() => File.ReadAllBytes(dir.File("loss.fifo"))); // frees a writer stuck on the second FIFO
            throw;
        }
        var (plot, loss) = await reader.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], plot[..4]);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], loss[..4]);
        Assert.True(plot.Length > loss.Length, "the forecast figure (1200 × 600) came through the first FIFO");
    }

    [Fact]
    public void A_device_is_written_to_and_stays_a_device()
    {
        if (!SpecialFiles.IsRoot) Assert.Skip("making a device node needs root");
        using var dir = Folder();
        try { SpecialFiles.MakeNullDevice(dir.File("null")); } // /dev/null's numbers, in the test's own folder
        catch (InvalidOperationException e) { Assert.Skip($"this machine does not let root make device nodes (a container without CAP_MKNOD?): {e.Message.Trim()}"); }

        var run = CliRun.Of("train", "--epochs", "1", "--no-baseline", "--save", dir.File("null"), "--plot", dir.File("null"), "--loss-plot", dir.File("null"));

        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Equal(FileKind.CharacterDevice, SpecialFiles.Kind(dir.File("null")));
        Assert.Equal(["d.csv", "null", "sub", "w.json"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_replaced_file_keeps_its_mode_and_owner()
    {
        using var dir = Folder();
        File.WriteAllText(dir.File("m.json"), "old");
        File.SetUnixFileMode(dir.File("m.json"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (SpecialFiles.IsRoot) SpecialFiles.Chown(dir.File("m.json"), 4321, 4322);

        var run = CliRun.Of("train", "--epochs", "1", "--no-baseline", "--no-plot", "--save", dir.File("m.json"));

        Assert.Equal(0, run.ExitCode);
        var status = FileStatus.Of(dir.File("m.json"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, status.Mode);
        if (SpecialFiles.IsRoot) Assert.Equal((4321u, 4322u), (status.Owner, status.Group));
        Assert.Contains("\"format\"", File.ReadAllText(dir.File("m.json")));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_read_only_output_is_refused_not_replaced()
    {
        if (SpecialFiles.IsRoot) Assert.Skip("root may write any file, so nothing is read-only to it");
        using var dir = Folder();
        File.WriteAllText(dir.File("m.json"), "keep me");
        File.SetUnixFileMode(dir.File("m.json"), UnixFileMode.UserRead);
        var before = Snapshot(dir.Path);
        AssertRefused(CliRun.Of("train", "--no-plot", "--save", dir.File("m.json")), "read-only", "read-only --save");
        Assert.Equal(before, Snapshot(dir.Path));
    }

    [Fact]
    public void The_sweep_writes_its_results_before_the_one_at_a_time_comparison()
    {
        using var dir = Folder();
        var run = CliRun.Of("sweep", "--hidden", "2", "--time-steps", "6", "--seeds", "1", "--lrs", "0.01", "--epochs", "1", "--csv", dir.File("s.csv"));
        Assert.Equal(0, run.ExitCode);
        int csv = run.Out.IndexOf("CSV:", StringComparison.Ordinal), comparison = run.Out.IndexOf("One at a time", StringComparison.Ordinal);
        Assert.True(csv >= 0 && comparison > csv, run.Out);
        Assert.StartsWith("rank,hidden,time_steps", File.ReadAllText(dir.File("s.csv")));
    }

    [Theory]
    [InlineData("SIGTERM", 143)]
    [InlineData("SIGINT", 130)]
    public void An_interrupted_run_exits_128_plus_the_signal_and_leaves_no_file(string signal, int exitCode)
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("POSIX signals");
        if (!File.Exists(CliProcess.Executable)) Assert.Skip("the gpurnn executable is not beside the tests");
        using var dir = Folder();
        using var run = CliProcess.Start(dir.Path, null, "train", "--epochs", "1000000", "--no-baseline", "--save", "m.json", "--plot", "p.png");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!run.OutputSoFar.Contains(" 2/1000000", StringComparison.Ordinal) && DateTime.UtcNow < deadline) Thread.Sleep(50); // training has begun
        SpecialFiles.Shell("kill", "-s", signal[3..], run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var (code, _, err) = run.Finish(TimeSpan.FromSeconds(30));
        Assert.Equal(exitCode, code);
        Assert.Contains("interrupted", err);
        Assert.Equal(["d.csv", "sub", "w.json"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Order());
    }

    /// <summary>Inputs: the options that read a file. Every other FILE option is an output.</summary>
    static readonly HashSet<string> InputOptions = ["--data", "--model", "--init-weights", "--weights", "--future"];

    /// <summary>What each command needs besides the output under test, to get as far as writing.</summary>
    static readonly Dictionary<string, string[]> Essentials = new()
    {
        ["train"] = ["--data", "{dir}/d.csv", "--column", "v", "--epochs", "1", "--no-baseline"],
        ["forecast"] = ["--model", "{dir}/w.json", "--data", "{dir}/d.csv", "--column", "v", "--horizon", "2"],
        ["predict"] = ["--model", "{dir}/w.json", "--data", "{dir}/d.csv", "--column", "v"],
        ["sweep"] = ["--data", "{dir}/d.csv", "--column", "v", "--hidden", "2", "--time-steps", "4", "--seeds", "1", "--lrs", "0.01", "--epochs", "1", "--no-baseline"],
    };

    public static TheoryData<string, string> OutputOptions()
    {
        var data = new TheoryData<string, string>();
        // merge reads no --data: that its outputs never overwrite a shard it reads is ShardedRunTests'.
        foreach (var command in GpuRnn.Cli.Program.CommandTree(TextWriter.Null, TextWriter.Null).Subcommands.Where(c => c.Options.Any(o => o.Name == "--data")))
            foreach (var option in command.Options.Where(o => o.HelpName == "FILE" && !InputOptions.Contains(o.Name)))
                data.Add(command.Name, option.Name);
        return data;
    }

    /// <summary>
    /// Every output option of every command, found by walking the command tree, refuses the data file: an output
    /// option added later that forgets to join the FilePlan checks fails here instead of overwriting someone's data.
    /// </summary>
    [Theory]
    [MemberData(nameof(OutputOptions))]
    public void Every_output_option_refuses_to_overwrite_the_data(string command, string option)
    {
        Assert.True(Essentials.ContainsKey(command), $"{command} has an output option ({option}): add what it needs to {nameof(Essentials)}");
        using var dir = Folder();
        var before = Snapshot(dir.Path);
        string[] args = [command, .. Essentials[command], option, "{dir}/d.csv"];
        if (option == "--loss-plot") args = [.. args, "--plot", "{dir}/p.png"];
        var run = CliRun.Of([.. args.Select(a => a.Replace("{dir}", dir.Path))]);
        AssertRefused(run, "would overwrite the input --data", $"{command} {option}");
        Assert.Equal(before, Snapshot(dir.Path));
    }
}
