namespace GpuRnn.Training.Engines;

/// <summary>Which kernels an <see cref="IlgpuEngine"/> runs (see KernelPlan for the rule <see cref="ByShape"/> applies).</summary>
public enum IlgpuKernelChoice
{
    /// <summary>The epoch kernel for small batches of a one-layer network, the tile kernels otherwise (the default).</summary>
    ByShape,

    /// <summary>The tile kernels at every batch size, Wh copied into shared memory where it fits (ByShape reads it from global memory: faster on an H200), groups shaped as on a GPU: for tests.</summary>
    Tiles,

    /// <summary>The tile kernels at every batch size with Wh read from global memory, as ByShape's tile path, groups shaped as on a GPU: for tests.</summary>
    TilesGlobalWh,

    /// <summary>The epoch kernel at every batch size where it can run (one layer, fits shared memory), with a GPU's group shape: for tests.</summary>
    EpochKernel,
}
