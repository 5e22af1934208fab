using GpuRnn.Training.Engines.Ilgpu;

namespace GpuRnn.Cli.Commands;

/// <summary><c>gpurnn devices</c>: what ILGPU sees here, and why a kind of accelerator cannot be used.</summary>
static class DevicesCommand
{
    public static Command Create(TextWriter stdout)
    {
        var command = new Command("devices", "List the accelerators ILGPU finds (CPU, CUDA, OpenCL) and why a kind is unusable");
        command.SetAction(_ =>
        {
            var reports = IlgpuDevices.List();
            foreach (var d in reports)
                stdout.WriteLine($"{EngineNames.Of(d.Kind),-9} {d.Name}: {Memory(d.MemoryBytes)}, "
                    + $"max group {d.MaxGroupSize}, warp {d.WarpSize}{(d.Usable ? "" : $" — unusable: {d.Problem}")}"
                    + (d.Kind == EngineKind.IlgpuCpu ? " (a simulator for checking kernels, not for speed; old name: cpu)" : ""));
            foreach (var kind in new[] { EngineKind.Cuda, EngineKind.OpenCL })
                if (!reports.Any(d => d.Kind == kind)) // a listed device that cannot be used says why on its own line
                    stdout.WriteLine($"{EngineNames.Of(kind),-9} {IlgpuDevices.WhyNone(kind)}");
            stdout.WriteLine($"simd      {EngineNames.Meaning(EngineKind.Simd)}: {Environment.ProcessorCount} core(s), {Training.Engines.FastCpu.ModelLanesEngine.Lanes} float lanes ({32 * Training.Engines.FastCpu.ModelLanesEngine.Lanes}-bit vectors; old name: fast)");
            stdout.WriteLine($"scalar    {EngineNames.Meaning(EngineKind.Scalar)}");
            var best = IlgpuDevices.BestGpu();
            stdout.WriteLine(best is { } gpu
                ? $"auto      trains on {EngineNames.Of(gpu)} when the job repays a GPU's start-up (about {EnginePolicy.GpuStartSeconds} s; from ~80 GFLOP of training), on simd otherwise (the tutorial)"
                : "auto      trains on simd, the SIMD CPU engine (no usable GPU)");
            return 0;
        });
        return command;
    }

    /// <summary>The CPU accelerator reports no real limit (long.MaxValue): say so rather than print exbibytes.</summary>
    static string Memory(long bytes) =>
        bytes >= 1L << 50 ? "host memory" : $"{(bytes / (1024.0 * 1024 * 1024)).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)} GiB";
}
