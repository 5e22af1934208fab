namespace GpuRnn.Training.Engines;

/// <summary>Which kernels an <see cref="IlgpuEngine"/> runs (see KernelPlan for the rule <see cref="ByShape"/> applies).</summary>
public enum IlgpuKernelChoice
{
    /// <summary>The epoch kernel for small batches of a one-layer network, the tile kernels otherwise (the default).</summary>
    ByShape,

    /// <summary>The tile kernels at every batch size, Wh copied into shared memory where it fits (as ByShape's tile path), groups shaped as on a GPU: for tests.</summary>
    Tiles,

    /// <summary>As <see cref="Tiles"/>, with Wh read from global memory even where it would fit shared memory (ByShape's variant for large hidden sizes): for tests.</summary>
    TilesGlobalWh,

    /// <summary>The epoch kernel at every batch size where it can run (one layer, fits shared memory), with a GPU's group shape: for tests.</summary>
    EpochKernel,
}
