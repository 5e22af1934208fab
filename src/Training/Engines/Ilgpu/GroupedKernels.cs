using GpuRnn.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// The grouped kernels, each compiled on first use only: an engine that never takes a grouped path (stacked layers,
/// <see cref="IlgpuKernelChoice.Reference"/>) pays nothing for them, and one that does pays once.
/// </summary>
sealed class GroupedKernels(Accelerator accelerator)
{
    readonly Lazy<Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape, EpochSchedule>> epoch = new(() =>
        accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape, EpochSchedule>(EpochKernel.Train));

    readonly Lazy<Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape, int>> projection = new(() =>
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape, int>(
            GroupedForwardKernel.InputProjection));

    /// <summary>[0]: Wh read from global memory (large hidden sizes); [1]: Wh in shared memory.</summary>
    readonly Lazy<Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape>>[] forwardRecurrence =
    [
        new(() => accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape>(GroupedForwardKernel.RecurrenceGlobalWh)),
        new(() => accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape>(GroupedForwardKernel.Recurrence)),
    ];

    readonly Lazy<Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        NetworkShape, int, int>> headDeltas = new(() =>
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, NetworkShape, int, int>(GroupedBackwardKernel.HeadDeltas));

    /// <summary>[0]: Wh read from global memory (large hidden sizes); [1]: Wh in shared memory.</summary>
    readonly Lazy<Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape>>[] backwardRecurrence =
    [
        new(() => accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape>(
            GroupedBackwardKernel.RecurrenceGlobalWh)),
        new(() => accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape>(
            GroupedBackwardKernel.Recurrence)),
    ];

    readonly Lazy<Action<Index1D, ArrayView<float>, ArrayView<float>, LayerShape>> transpose = new(() =>
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, LayerShape>(GroupedBackwardKernel.TransposeRecurrentKernel));

    readonly Lazy<Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        NetworkShape, LayerShape, int, int>> reduceGradients = new(() =>
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, NetworkShape, LayerShape, int, int>(GroupedBackwardKernel.ReduceGradients));

    /// <summary>Compiles now the kernels an engine may use, so that its training time excludes compilation.</summary>
    public void Preload(bool epochKernel, bool batchKernels, bool whInShared)
    {
        if (epochKernel) _ = epoch.Value;
        if (!batchKernels) return;
        _ = projection.Value; _ = ForwardRecurrence(whInShared); _ = headDeltas.Value; _ = BackwardRecurrence(whInShared); _ = reduceGradients.Value;
        if (!whInShared) _ = transpose.Value;
    }

    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape, EpochSchedule> Epoch => epoch.Value;

    public Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape, int> InputProjection => projection.Value;

    /// <summary>GroupedForwardKernel.Recurrence, or RecurrenceGlobalWh unless <paramref name="whInShared"/>.</summary>
    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape> ForwardRecurrence(bool whInShared) =>
        forwardRecurrence[whInShared ? 1 : 0].Value;

    public Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        NetworkShape, int, int> HeadDeltas => headDeltas.Value;

    /// <summary>GroupedBackwardKernel.Recurrence (takes the weights), or RecurrenceGlobalWh (takes Whᵀ) unless <paramref name="whInShared"/>.</summary>
    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape> BackwardRecurrence(bool whInShared) =>
        backwardRecurrence[whInShared ? 1 : 0].Value;

    public Action<Index1D, ArrayView<float>, ArrayView<float>, LayerShape> TransposeRecurrentKernel => transpose.Value;

    public Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        NetworkShape, LayerShape, int, int> ReduceGradients => reduceGradients.Value;
}
