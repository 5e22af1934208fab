namespace GpuRnn.Kernels;

/// <summary>
/// How one launch of <see cref="TileKernel"/> cuts a batch into tiles: group g runs model g / TilesPerModel, and
/// tile g mod TilesPerModel of it, the batch rows [tile·TileWindows, tile·TileWindows + TileWindows) ∩ [0, Count).
/// Slot s = model·Count + row names the row's state, gradient and output rows; the row's window is what its
/// model's order names at <c>Start + row</c>. A model's tiles depend only on its own batch, so its result never
/// depends on which models share the launch.
/// </summary>
/// <param name="start">Position in the order of the batch's first window.</param>
/// <param name="count">Windows of the batch, per model.</param>
/// <param name="orderStride">Distance between two models' orders: the window count, or 0 when all read one order (Predict).</param>
/// <param name="tileWindows">Windows per tile (a group's share of the batch).</param>
/// <param name="tilesPerModel">⌈count / tileWindows⌉.</param>
/// <param name="train">1: forward, loss, BPTT and the tile's gradient partials; 0: forward and outputs only (Predict).</param>
public readonly struct TileShape(int start, int count, int orderStride, int tileWindows, int tilesPerModel, int train)
{
    public readonly int Start = start;
    public readonly int Count = count;
    public readonly int OrderStride = orderStride;
    public readonly int TileWindows = tileWindows;
    public readonly int TilesPerModel = tilesPerModel;
    public readonly int Train = train;

    /// <summary>Groups of a launch over <paramref name="models"/> models.</summary>
    public int Groups(int models) => models * TilesPerModel;
}
