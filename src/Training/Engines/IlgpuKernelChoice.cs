namespace GpuRnn.Training.Engines;

/// <summary>Which kernels an <see cref="IlgpuEngine"/> runs (see KernelPlan for the rule <see cref="ByShape"/> applies).</summary>
internal enum IlgpuKernelChoice
{
    /// <summary>The grouped kernels (the epoch kernel, the grouped batch kernels) where the shape suits them, the reference kernels elsewhere (the default).</summary>
    ByShape,

    /// <summary>Only the simple reference kernels (thread per window, launches per step): what the grouped ones are tested against.</summary>
    Reference,

    /// <summary>The grouped kernels wherever they can run at all (one layer, fits shared memory; Wh in shared memory where it fits), whatever the batch or hidden size: for tests.</summary>
    Grouped,

    /// <summary>
    /// As <see cref="Grouped"/>, but the batch kernels read the recurrent kernel Wh from global memory even where it
    /// would fit shared memory (the variant ByShape takes only for large hidden sizes): for tests of that variant.
    /// </summary>
    GroupedGlobalWh,
}
