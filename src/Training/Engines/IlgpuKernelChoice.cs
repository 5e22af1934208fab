namespace GpuRnn.Training.Engines;

/// <summary>Which kernels an <see cref="IlgpuEngine"/> runs (see KernelPlan for the rule <see cref="ByShape"/> applies).</summary>
public enum IlgpuKernelChoice
{
    /// <summary>The fast kernels where the shape suits them, the reference kernels elsewhere (the default).</summary>
    ByShape,

    /// <summary>Only the simple reference kernels (thread per window, launches per step): what the fast ones are tested against.</summary>
    Reference,

    /// <summary>The fast kernels wherever they can run at all (one layer, fits shared memory), whatever the batch or hidden size: for tests.</summary>
    Fast,
}
