using GpuRnn.Cli;
using GpuRnn.Training.Engines.FastCpu;
using GpuRnn.Training.Engines.Ilgpu;

namespace GpuRnn.Tests.Accelerators;

/// <summary>How an accelerator is chosen, and what the user sees when the chosen one is absent.</summary>
public sealed class AcceleratorSelectionTests
{
    [Theory]
    [InlineData(EngineKind.Cuda, "CUDA")]
    [InlineData(EngineKind.OpenCL, "OpenCL")]
    public void An_absent_accelerator_is_refused_with_one_line(EngineKind kind, string name)
    {
        if (IlgpuDevices.Has(kind)) Assert.Skip($"this machine has a usable {name} device");
        var e = Assert.Throws<GpuRnnInputException>(() => EngineFactory.Create(kind, ModelSpec.Tutorial));
        Assert.Matches($"^no (usable )?{name} device", e.Message); // none at all, or one that cannot build the kernels
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Auto_takes_a_gpu_when_there_is_one_and_otherwise_the_fast_cpu_engine()
    {
        using var engine = EngineFactory.Create(EngineKind.Auto, ModelSpec.Tutorial);
        Assert.Equal(IlgpuDevices.BestGpu()?.ToString().ToLowerInvariant() ?? "simd", engine.Name);
    }

    /// <summary>
    /// Which engine the factory makes for a CPU kind and a number of models: what the engine contract's cases are
    /// (SIMD: windows in lanes for one model, models in lanes for several of one layer, separate engines for stacked
    /// ones; scalar: separate engines for several).
    /// </summary>
    [Fact]
    public void The_factory_makes_the_engine_each_cpu_kind_and_model_count_takes()
    {
        var stacked = new ModelSpec(1, [4, 3], 1, Activation.Tanh, Activation.Tanh, 5);
        using (var e = EngineFactory.Create(EngineKind.Simd, ModelSpec.Tutorial)) Assert.IsType<FastCpuEngine>(e);
        using (var e = EngineFactory.Create(EngineKind.Simd, ModelSpec.Tutorial, 3)) Assert.IsType<ModelLanesEngine>(e);
        using (var e = EngineFactory.Create(EngineKind.Simd, stacked, 3)) Assert.IsType<SeparateModels>(e);
        using (var e = EngineFactory.Create(EngineKind.Scalar, stacked)) Assert.IsType<ScalarEngine<float>>(e);
        using (var e = EngineFactory.Create(EngineKind.Scalar, ModelSpec.Tutorial, 3)) Assert.IsType<SeparateModels>(e);
    }

    /// <summary>Code written against the old enum names still builds and means the same engines.</summary>
    [Fact]
    public void The_old_engine_kind_names_mean_the_new_ones()
    {
#pragma warning disable CS0618 // the old names, on purpose
        Assert.Equal(EngineKind.Simd, EngineKind.Fast);
        Assert.Equal(EngineKind.IlgpuCpu, EngineKind.Cpu);
        using var simd = EngineFactory.Create(EngineKind.Fast, ModelSpec.Tutorial);
#pragma warning restore CS0618
        Assert.Equal("simd", simd.Name);
    }

    [Fact]
    public void The_cpu_accelerator_is_always_there()
    {
        using var engine = EngineFactory.Create(EngineKind.IlgpuCpu, ModelSpec.Tutorial);
        Assert.Equal("ilgpu-cpu", engine.Name);
        Assert.Contains(IlgpuDevices.List(), d => d.Kind == EngineKind.IlgpuCpu && d.Usable);
    }

    [Fact]
    public void Devices_lists_the_cpu_and_says_why_each_absent_kind_is_absent()
    {
        var (code, stdout, _) = CliRun.Of("devices");
        Assert.Equal(0, code);
        Assert.Contains("ilgpu-cpu ", stdout);
        Assert.Contains("a simulator for checking kernels", stdout);
        Assert.Contains("simd ", stdout);
        foreach (var kind in new[] { EngineKind.Cuda, EngineKind.OpenCL })
        {
            if (IlgpuDevices.Has(kind)) continue;
            // A device of the kind that is listed but cannot be used says why on its own line; a kind with none, once.
            var unusable = IlgpuDevices.List().Where(d => d.Kind == kind && !d.Usable).ToList();
            if (unusable.Count == 0) Assert.Contains(IlgpuDevices.WhyNone(kind), stdout);
            foreach (var d in unusable) Assert.Contains($"{d.Name}: ", stdout);
            foreach (var d in unusable) Assert.Contains($"unusable: {d.Problem}", stdout);
        }
        Assert.Contains("auto ", stdout);
    }

    [Fact]
    public void Train_without_an_accelerator_trains_on_what_auto_resolves_to_here()
    {
        var (code, stdout, _) = CliRun.Of("train", "--accelerator", "auto", "--epochs", "1", "--no-plot", "--no-baseline");
        Assert.Equal(0, code);
        var tutorial = TrainingWork.Of(ModelSpec.Tutorial.Layout(), 12, 187, 1, 1);
        Assert.Contains($"ms on {EngineNames.Of(EnginePolicy.Choose(EngineKind.Auto, tutorial))} (", stdout);
        Assert.Equal(EngineKind.Simd, EnginePolicy.Choose(EngineKind.Auto, tutorial)); // the tutorial never repays a GPU's start-up
    }

    /// <summary>The cost model's crossover where it is documented: the tutorial stays on the CPU, w2 over 20 epochs would go to a GPU.</summary>
    [Fact]
    public void Auto_s_cost_model_keeps_the_tutorial_on_the_cpu_and_sends_a_large_job_to_a_gpu()
    {
        var tutorial = TrainingWork.Of(ModelSpec.Tutorial.Layout(), 12, 187, 20, 1);
        Assert.InRange(tutorial.FloatingPointOperations, 1e6, 1e7);
        Assert.True(EnginePolicy.CpuSeconds(tutorial) < EnginePolicy.GpuSeconds(tutorial));
        var w2 = TrainingWork.Of(new ModelSpec(1, [32], 1, Activation.Tanh, Activation.Linear, 12).Layout(), 12, 100_000, 20, 1024);
        Assert.InRange(w2.FloatingPointOperations, 1e11, 2e11);
        Assert.True(EnginePolicy.GpuSeconds(w2) < EnginePolicy.CpuSeconds(w2));
        Assert.Equal(EngineKind.Scalar, EnginePolicy.Choose(EngineKind.Scalar, w2)); // only auto is weighed
    }

    [Fact]
    public void Train_on_an_absent_accelerator_exits_2_with_one_line_and_no_output()
    {
        if (IlgpuDevices.Has(EngineKind.Cuda)) Assert.Skip("this machine has a CUDA device");
        var (code, stdout, stderr) = CliRun.Of("train", "--accelerator", "cuda", "--no-plot");
        Assert.Equal(Program.BadInput, code);
        Assert.Equal("", stdout);
        Assert.Equal($"gpurnn: {IlgpuDevices.WhyNone(EngineKind.Cuda)}", stderr.TrimEnd());
    }

    [Fact]
    public void Train_reports_setup_training_time_and_the_scalar_baseline()
    {
        var (code, stdout, stderr) = CliRun.Of("train", "--accelerator", "cpu", "--epochs", "1", "--no-plot");
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Contains("Engine setup: ", stdout);
        Assert.Contains("Training time: ", stdout);
        Assert.Contains(" on ilgpu-cpu (187 steps)", stdout);
        Assert.Contains("Baseline: ", stdout);
        Assert.Contains("speed-up on ilgpu-cpu: ", stdout);

        var (_, noBaseline, _) = CliRun.Of("train", "--accelerator", "cpu", "--epochs", "1", "--no-plot", "--no-baseline");
        Assert.DoesNotContain("Baseline: ", noBaseline);
        var (_, scalar, _) = CliRun.Of("train", "--accelerator", "scalar", "--epochs", "1", "--no-plot");
        Assert.DoesNotContain("Baseline: ", scalar);
    }
}

/// <summary>An OpenCL compiler's refusal, as the one line a user sees (the log as pocl wrote it on an H200 machine).</summary>
public sealed class OpenClBuildLogTests
{
    [Fact]
    public void The_first_line_of_a_build_log_names_the_fault_without_the_compiler_s_temporary_file()
    {
        const string log = "Kernel loading failed:\n\nerror: /root/.cache/pocl/kcache/tempfile_u2LIf4.cl:1347:12: use of undeclared identifier "
            + "'work_group_scan_inclusive_add'; did you mean 'sub_group_scan_inclusive_add'?\n  float v = work_group_scan_inclusive_add(x);\n";
        Assert.Equal("error: kernel source line 1347: use of undeclared identifier 'work_group_scan_inclusive_add'; did you mean 'sub_group_scan_inclusive_add'?",
            OpenClBuilds.FirstLineOf(log));
        Assert.Null(OpenClBuilds.FirstLineOf("Kernel loading failed:\n>> No error information available\n"));
    }
}
