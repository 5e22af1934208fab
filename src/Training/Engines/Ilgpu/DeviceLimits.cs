using ILGPU.Runtime;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// What KernelPlan sizes launches against: read from an opened accelerator, or stated for a device that is not
/// here (<see cref="H200"/>), so that the plan an engine would launch on a GPU can be printed and checked anywhere.
/// </summary>
public sealed record DeviceLimits(string Name, int Multiprocessors, int WarpSize, int MaxThreadsPerGroup, long SharedBytesPerGroup, bool IsSimulator)
{
    public static DeviceLimits Of(Accelerator accelerator) => new(accelerator.Name, Math.Max(1, accelerator.NumMultiprocessors),
        Math.Max(1, accelerator.WarpSize), accelerator.MaxNumThreadsPerGroup, accelerator.MaxSharedMemoryPerGroup,
        accelerator.AcceleratorType == AcceleratorType.CPU);

    /// <summary>An NVIDIA H200 as ILGPU 1.5.3 sees it: 132 SMs, warps of 32, 1024 threads and the static 48 KB of shared memory per group.</summary>
    public static DeviceLimits H200 { get; } = new("NVIDIA H200", 132, 32, 1024, 48 * 1024, IsSimulator: false);
}
