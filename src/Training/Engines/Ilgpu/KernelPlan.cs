using GpuRnn.Kernels;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// Which kernels run windows of one length on one device, and how they are launched: an engine makes one for its
/// training windows and one for any other length it predicts, so a kernel never runs with another length's shape.
/// Plain arithmetic on <see cref="DeviceLimits"/>, so bench prints the plan for a device that is not here. The rule
/// for <see cref="IlgpuKernelChoice.ByShape"/>:
/// <list type="bullet">
/// <item>The epoch kernel (one launch per epoch, one group per model) for batches of at most
/// <see cref="EpochKernelMaxBatch"/> windows of a one-layer network that fits shared memory: such batches cannot
/// fill a GPU, so launch latency is what costs.</item>
/// <item>Otherwise the tile kernels, two launches per Adam step (three with Wh in global memory, transposed first for BPTT): <see cref="TileKernel"/> over tiles of each
/// model's batch, sized so that one model's batch makes at least one group per multiprocessor (at most
/// <see cref="MaxTileWindows"/> windows a tile, whole quads of four where it has four; M models make M times as many
/// groups), a thread per unit and quad of windows (and, training, enough threads for the gradient pass's items, up to
/// <see cref="MaxGradientThreads"/>), then <see cref="ReduceKernel"/>. Wh goes into shared memory when it fits beside
/// the tile's vectors (a smaller tile is taken for it first), else it is read from global memory. Measured on an H200
/// (bench --kernels, docs/performance.md): with groups that size, the shared copy makes w2 (hidden 32) 20% faster
/// and w1 no slower; with the recurrence's 32 threads alone it had made w2 25% slower, the copy then being spread over
/// one warp.</item>
/// </list>
/// ILGPU's CPU accelerator simulates a group with OS threads, and a barrier then costs ~0.3 ms: there ByShape runs
/// one thread per group. The forced choices keep a GPU's group shape, so tests exercise the threaded code.
/// </summary>
public sealed class KernelPlan
{
    /// <summary>
    /// Largest batch the epoch kernel takes under ByShape. Measured on an H200 at the ends only: batch 1 (the tutorial)
    /// 80 k windows/s on it against 23 k on the tiles, batch 1024 (w1) 89 k against 15 M; the crossover between is a guess.
    /// </summary>
    public const int EpochKernelMaxBatch = 4;

    /// <summary>Windows per tile at most: beyond this a tile's serial gradient loops outgrow its share of the step.</summary>
    public const int MaxTileWindows = 8;

    /// <summary>
    /// Threads per training tile group at most for the gradient pass, which has more items than the recurrence's
    /// (unit, quad) pairs: w3's tiles ran 128 threads, 256 groups, 8 warps an SM on an H200, too few to hide memory
    /// latency. The extra threads idle through the recurrence; 512 keeps two groups an SM within 64 K registers.
    /// </summary>
    public const int MaxGradientThreads = 512;

    readonly IlgpuKernelChoice choice;
    readonly long sharedFloats;
    readonly int gradientItems;

    internal KernelPlan(DeviceLimits device, ParameterLayout layout, int timeSteps, int models, IlgpuKernelChoice choice)
    {
        this.choice = choice;
        Device = device;
        Models = models;
        (Network, Layers) = layout.KernelArguments(timeSteps);
        gradientItems = TileKernel.GradientItems(Network, Layers);
        sharedFloats = device.SharedBytesPerGroup / sizeof(float);
        if (TileKernel.SharedFloats(Network, 1, whInShared: false) > sharedFloats)
            throw new GpuRnnInputException($"layers of {Network.MaxUnits} units need more shared memory per group than {device.Name} has ({device.SharedBytesPerGroup / 1024} KB)");
        EpochKernelFits = Layers.Length == 1 && choice is IlgpuKernelChoice.ByShape or IlgpuKernelChoice.EpochKernel
            && EpochKernel.SharedFloats(Network, Layers[0]) <= sharedFloats;
        EpochThreads = device.IsSimulator && choice == IlgpuKernelChoice.ByShape ? 1 : WarpsFor(Layers[0].Units);
    }

    /// <summary>The plan engines launch with on <paramref name="device"/>, for <paramref name="models"/> models of this layout and windows of <paramref name="timeSteps"/> steps.</summary>
    public static KernelPlan For(DeviceLimits device, ParameterLayout layout, int timeSteps, int models) =>
        new(device, layout, timeSteps, models, IlgpuKernelChoice.ByShape);

    public DeviceLimits Device { get; }
    public int Models { get; }

    /// <summary>The kernels' network shape for this plan's window length.</summary>
    public NetworkShape Network { get; }

    /// <summary>The kernels' layer shapes for this plan's window length, bottom layer first.</summary>
    public LayerShape[] Layers { get; }

    /// <summary>Steps of the windows this plan runs.</summary>
    public int TimeSteps => Network.TimeSteps;

    /// <summary>The one-group epoch kernel can hold this network in shared memory (and the choice allows it).</summary>
    public bool EpochKernelFits { get; }

    /// <summary>Threads of each epoch-kernel group.</summary>
    public int EpochThreads { get; }

    public bool UsesEpochKernel(int batchSize) =>
        EpochKernelFits && (choice == IlgpuKernelChoice.EpochKernel || batchSize <= EpochKernelMaxBatch);

    /// <summary>
    /// Launches per Adam step at this batch size: 2 for the tile kernels with Wh in shared memory, 3 with Wh in global
    /// memory (Wh transposed first, for BPTT); 0 for the epoch kernel, which launches once per epoch.
    /// </summary>
    public int LaunchesPerAdamStep(int batchSize) => UsesEpochKernel(batchSize) ? 0 : Tiles(batchSize).WhInShared ? 2 : 3;

    /// <summary>How a batch of <paramref name="count"/> windows per model is cut into tiles and launched (<paramref name="train"/>: with the gradient pass).</summary>
    public TileGeometry Tiles(int count, bool train = true)
    {
        // From the batch alone, never from the model count: a model's tiles, and so its bits, do not depend on who
        // shares the launch. At least a group per multiprocessor, and whole quads of windows where a tile has four.
        int wanted = Math.Clamp(count / Device.Multiprocessors, 1, Math.Min(MaxTileWindows, count));
        if (wanted >= 4) wanted -= wanted % 4;
        if (choice != IlgpuKernelChoice.TilesGlobalWh)
            for (int windows = wanted; windows >= 1; windows--)
                if (TileKernel.SharedFloats(Network, windows, whInShared: true) <= sharedFloats) return Geometry(count, windows, whInShared: true, train);
        for (int windows = wanted; windows >= 1; windows--)
            if (TileKernel.SharedFloats(Network, windows, whInShared: false) <= sharedFloats) return Geometry(count, windows, whInShared: false, train);
        throw new InvalidOperationException("unreachable: one window without Wh fits (checked when the plan was made)");
    }

    TileGeometry Geometry(int count, int windows, bool whInShared, bool train)
    {
        int tiles = (count + windows - 1) / windows;
        int items = (windows + 3) / 4 * Network.MaxUnits; // the recurrence's (quad, unit) pairs
        if (train) items = Math.Max(items, Math.Min(gradientItems, MaxGradientThreads));
        int threads = Device.IsSimulator && choice == IlgpuKernelChoice.ByShape ? 1 : WarpsFor(items);
        return new TileGeometry(windows, tiles, Models * tiles, threads, whInShared, TileKernel.SharedFloats(Network, windows, whInShared));
    }

    /// <summary>Threads for <paramref name="items"/> parallel items: whole warps, at most the device's group size.</summary>
    int WarpsFor(int items) => Math.Min(Device.MaxThreadsPerGroup, (items + Device.WarpSize - 1) / Device.WarpSize * Device.WarpSize);
}

/// <summary>A tile launch: <see cref="Groups"/> groups of <see cref="Threads"/>, each over <see cref="TileWindows"/> windows of one model.</summary>
public readonly record struct TileGeometry(int TileWindows, int TilesPerModel, int Groups, int Threads, bool WhInShared, int SharedFloats)
{
    /// <param name="train">Whether the launch trains (BPTT and gradient partials) or only predicts.</param>
    public TileShape Shape(int start, int count, int orderStride, bool train) =>
        new(start, count, orderStride, TileWindows, TilesPerModel, train ? 1 : 0);
}
