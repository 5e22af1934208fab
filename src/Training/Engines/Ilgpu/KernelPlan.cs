using GpuRnn.Kernels;
using ILGPU.Runtime;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// Decides which kernels run windows of one length, and holds the shapes (<see cref="Network"/>,
/// <see cref="Layers"/>) they are launched with for that length: an engine makes one for its training windows and
/// one for any other length it predicts, so a kernel never runs with another length's shape. Cheap: plain arithmetic
/// on the device's limits. The rule for <see cref="IlgpuKernelChoice.ByShape"/>:
/// <list type="bullet">
/// <item>Grouped kernels only for a one-layer network (stacks use the reference kernels) whose working set fits the
/// accelerator's shared memory per group. This holds for every choice, Grouped included.</item>
/// <item>Epoch kernel (one launch per epoch, one group per model: several models run side by side) when the batch has at most <see cref="EpochKernelMaxBatch"/>
/// windows: small batches cannot fill a GPU anyway, and launch latency (~7 launches per step) is what costs.</item>
/// <item>Batch kernels, for one model only (an engine of several trains larger batches in the reference kernels'
/// launches) (hoisted input projection, a group per window over the hidden units, ordered gradient
/// reduction) when hidden ≥ <see cref="BatchKernelMinUnits"/>: below that a group per window leaves most of a warp
/// idle, and the reference thread-per-window kernels use the GPU better. Their recurrences keep Wh [U²] in shared
/// memory when it fits (with h or da, dh: U² + 3U floats); otherwise (hidden above ~100 in the default 48 KB) they
/// read Wh from global memory (L2-cached on a GPU) and keep only the per-window vectors [3U] in shared memory, so any
/// hidden size whose 3U floats fit runs them (<see cref="WhInShared"/>).</item>
/// </list>
/// <see cref="IlgpuKernelChoice.Grouped"/> drops the batch and hidden thresholds (tests use it to reach every shape);
/// <see cref="IlgpuKernelChoice.GroupedGlobalWh"/> does too and always takes the global-Wh recurrences;
/// <see cref="IlgpuKernelChoice.Reference"/> never uses the grouped kernels.
/// </summary>
public sealed class KernelPlan
{
    /// <summary>Largest batch the epoch kernel takes under ByShape (a guess: no GPU was lent to measure the crossover).</summary>
    public const int EpochKernelMaxBatch = 4;

    /// <summary>Smallest hidden size for the batch kernels under ByShape.</summary>
    public const int BatchKernelMinUnits = 16;

    readonly IlgpuKernelChoice choice;

    internal KernelPlan(Accelerator accelerator, ParameterLayout layout, int timeSteps, int models, IlgpuKernelChoice choice)
    {
        this.choice = choice;
        (Network, Layers) = layout.KernelArguments(timeSteps);
        long sharedFloats = accelerator.MaxSharedMemoryPerGroup / sizeof(float);
        bool fastCanRun = Layers.Count == 1 && choice != IlgpuKernelChoice.Reference;
        var layer = Layers[0];
        bool forced = choice is IlgpuKernelChoice.Grouped or IlgpuKernelChoice.GroupedGlobalWh;
        EpochKernelFits = fastCanRun && EpochKernel.SharedFloats(Network, layer) <= sharedFloats;
        BatchKernels = fastCanRun && models == 1
            && RecurrenceSharedFloats(layer, whInShared: false) <= sharedFloats
            && (forced || layer.Units >= BatchKernelMinUnits);
        WhInShared = BatchKernels && choice != IlgpuKernelChoice.GroupedGlobalWh && RecurrenceSharedFloats(layer, whInShared: true) <= sharedFloats;
        // Threads over hidden units: a whole number of warps, at most the device's group size (16 on the CPU
        // accelerator, so hidden > 16 exercises the strided loops there).
        int warp = Math.Max(1, accelerator.WarpSize);
        UnitThreads = Math.Min(accelerator.MaxNumThreadsPerGroup, (layer.Units + warp - 1) / warp * warp);
        // The CPU accelerator simulates a group with OS threads, and each of the epoch's ~5 000 barriers then costs
        // ~0.3 ms (measured: 20 tutorial epochs took 30 s with 4 threads, 0.35 s with 1). There, ByShape runs the
        // epoch kernel with one thread; Grouped keeps the GPU's shape so tests exercise the threaded code.
        EpochThreads = accelerator.AcceleratorType == AcceleratorType.CPU && choice == IlgpuKernelChoice.ByShape ? 1 : UnitThreads;
    }

    /// <summary>The kernels' network shape for this plan's window length.</summary>
    public NetworkShape Network { get; }

    /// <summary>The kernels' layer shapes for this plan's window length, bottom layer first.</summary>
    public IReadOnlyList<LayerShape> Layers { get; }

    /// <summary>Steps of the windows this plan runs.</summary>
    public int TimeSteps => Network.TimeSteps;

    /// <summary>The one-group epoch kernel can hold this network in shared memory.</summary>
    public bool EpochKernelFits { get; }

    /// <summary>Forward, Backward and Predict use the grouped batch kernels.</summary>
    public bool BatchKernels { get; }

    /// <summary>
    /// The batch kernels' recurrences hold Wh in shared memory (GroupedForwardKernel.Recurrence and GroupedBackwardKernel.Recurrence);
    /// false: they read it from global memory (the RecurrenceGlobalWh entry points).
    /// </summary>
    public bool WhInShared { get; }

    /// <summary>Threads per group of the grouped batch kernels.</summary>
    public int UnitThreads { get; }

    /// <summary>Threads of the epoch kernel's single group.</summary>
    public int EpochThreads { get; }

    public bool UsesEpochKernel(int batchSize) =>
        EpochKernelFits && (choice is IlgpuKernelChoice.Grouped or IlgpuKernelChoice.GroupedGlobalWh || batchSize <= EpochKernelMaxBatch);

    /// <summary>Dynamic shared memory of the larger of the forward and backward recurrences, with or without Wh.</summary>
    public static int RecurrenceSharedFloats(LayerShape layer, bool whInShared) =>
        Math.Max(GroupedForwardKernel.RecurrenceSharedFloats(layer, whInShared), GroupedBackwardKernel.RecurrenceSharedFloats(layer, whInShared));
}
