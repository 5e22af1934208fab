using GpuRnn.Cli;
using GpuRnn.Training.Engines.Ilgpu;

namespace GpuRnn.Tests.Sweep;

/// <summary><c>gpurnn sweep --accelerator</c>: which group trainer trains, what it is timed against, and an absent device.</summary>
public sealed class SweepAcceleratorTests
{
    static readonly string[] SmallGrid = ["sweep", "--hidden", "2", "--time-steps", "3", "--seeds", "1,2", "--lrs", "0.01", "--epochs", "1", "--batch-size", "8"];

    /// <summary>On an ILGPU accelerator each shape's models train in the same launches (one engine of M models), timed
    /// against the same accelerator one model at a time and the scalar engine.</summary>
    [Fact]
    public void Cpu_trains_the_group_in_the_same_launches_and_times_it_against_one_at_a_time()
    {
        using var dir = new TempDir();
        var run = CliRun.Of([.. SmallGrid, "--accelerator", "cpu", "--baseline", "full", "--csv", dir.File("s.csv")]); // full: a slow machine would estimate instead
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Trained in ", run.Out);
        Assert.Contains("(ilgpu-cpu: every model of a shape in the same launches)", run.Out);
        Assert.Matches(@"\(ilgpu-cpu, one model at a time\); speed-up \d+\.\d\d×; (identical weights|weights differ by at most \d)", run.Out);
        Assert.Matches(@"\(scalar, one model at a time\); speed-up \d+\.\d\d×; (identical weights|weights differ by at most \d)", run.Out);
        Assert.Equal(3, File.ReadAllLines(dir.File("s.csv")).Length);
    }

    /// <summary>simd (old name fast) trains the group in SIMD lanes; scalar means the reference engine, one model at a
    /// time (it once meant the SIMD lanes too).</summary>
    [Theory]
    [InlineData("simd", "(simd: ", "scalar")]
    [InlineData("fast", "(simd: ", "scalar")]
    [InlineData("scalar", "(scalar, one model at a time)", "simd")]
    public void Cpu_engines_train_the_grid_on_the_engine_asked_for(string accelerator, string trainer, string absent)
    {
        using var dir = new TempDir();
        var run = CliRun.Of([.. SmallGrid, "--accelerator", accelerator, "--csv", dir.File("s.csv"), "--no-baseline"]);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(trainer, run.Out);
        Assert.DoesNotContain(absent, run.Out);
        Assert.DoesNotContain("One at a time", run.Out);
    }

    [Theory]
    [InlineData(EngineKind.Cuda, "cuda")]
    [InlineData(EngineKind.OpenCL, "opencl")]
    public void An_absent_accelerator_exits_2_with_one_line_and_no_output(EngineKind kind, string name)
    {
        if (IlgpuDevices.Has(kind)) Assert.Skip($"this machine has a usable {name} device");
        using var dir = new TempDir();
        var run = CliRun.Of([.. SmallGrid, "--accelerator", name, "--csv", dir.File("s.csv")]);
        Assert.Equal(Program.BadInput, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Equal($"gpurnn: {IlgpuDevices.WhyNone(kind)}", run.Err.TrimEnd());
        Assert.False(File.Exists(dir.File("s.csv")));
    }
}
