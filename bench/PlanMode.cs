using System.Globalization;
using GpuRnn.Kernels;
using GpuRnn.Training.Engines.Ilgpu;

namespace GpuRnn.Bench;

/// <summary>
/// <c>--plan</c>: for each workload, what the ILGPU engine would launch on an H200 (DeviceLimits.H200), computed by
/// the KernelPlan the engine itself launches with: launches per Adam step, groups in the largest launch, threads and
/// shared memory per group, where Wh lives, and the kernel's registers and spills from the ptxas report when
/// bench/ptxas-report.sh has made one.
/// </summary>
public static class PlanMode
{
    /// <summary>Threads per group ILGPU's auto-grouped launches take on a GPU (the reduction's), for its group count.</summary>
    const int AutoGroupThreads = 256;

    public static int Run()
    {
        var device = DeviceLimits.H200;
        var report = PtxasReport.TryLoad();
        Console.WriteLine($"# as launched on an {device.Name}: {device.Multiprocessors} SMs, warps of {device.WarpSize}, " +
            $"{device.SharedBytesPerGroup / 1024} KB shared memory per group; one model");
        Console.WriteLine(report is null ? $"# {PtxasReport.NotFound}: bench/ptxas-report.sh writes {PtxasReport.DefaultPath} (registers, spills)"
            : $"# registers and spills from {PtxasReport.DefaultPath} (ptxas -arch=sm_90)");
        foreach (var workload in Workloads.All)
        {
            var spec = workload.Spec;
            var plan = KernelPlan.For(device, spec.Layout(), spec.TimeSteps, models: 1);
            int batch = workload.BatchSize;
            string line;
            if (plan.UsesEpochKernel(batch))
            {
                int sharedBytes = EpochKernel.SharedFloats(plan.Network, plan.Layers[0]) * sizeof(float);
                line = $"plan {workload.Name}: launches per epoch 1 (the epoch kernel); groups in largest launch 1; threads per group {plan.EpochThreads}; " +
                    $"shared memory per group {Kilobytes(sharedBytes)}{Registers(report, "EpochKernel.Train")}";
            }
            else
            {
                var tiles = plan.Tiles(batch);
                int reduceGroups = (plan.Network.ParameterCount + AutoGroupThreads - 1) / AutoGroupThreads;
                string kernel = tiles.WhInShared ? "TileKernel.Step" : "TileKernel.StepGlobalWh";
                line = $"plan {workload.Name}: launches per Adam step {plan.LaunchesPerAdamStep(batch)}; groups in largest launch {Math.Max(tiles.Groups, reduceGroups)}; " +
                    $"threads per group {tiles.Threads}; shared memory per group {Kilobytes(tiles.SharedFloats * sizeof(float))}; " +
                    $"{tiles.TileWindows} windows per tile; Wh in {(tiles.WhInShared ? "shared" : "global")} memory{Registers(report, kernel)}" +
                    $"{Registers(report, "ReduceKernel.SumTiles")}";
            }
            Console.WriteLine(line);
        }
        return 0;
    }

    static string Kilobytes(int bytes) => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB";

    static string Registers(PtxasReport? report, string kernel) =>
        report is not null && report.Kernels.TryGetValue(kernel, out var row)
            ? $"; {kernel}: {row.Registers} registers, {row.SpillStores + row.SpillLoads} spill bytes" : "";
}
