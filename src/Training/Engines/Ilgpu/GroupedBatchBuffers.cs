using GpuRnn.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// What the grouped batch kernels add to <see cref="BatchBuffers"/> for up to <see cref="Capacity"/> windows: the
/// hoisted input projections and, when <c>forTraining</c>, every step's delta, the head's deltas, the gradient
/// arriving at the last state and (unless <c>whInShared</c>) Whᵀ for the global-Wh backward recurrence.
/// </summary>
sealed class GroupedBatchBuffers : IDisposable
{
    public GroupedBatchBuffers(Accelerator accelerator, NetworkShape net, LayerShape layer, int capacity, bool forTraining, bool whInShared)
    {
        Capacity = capacity;
        long perStep = BatchBuffers.Checked(capacity, net.TimeSteps * layer.Units);
        Projection = accelerator.Allocate1D<float>(perStep);
        if (!forTraining) return;
        Deltas = accelerator.Allocate1D<float>(perStep);
        HeadDeltas = accelerator.Allocate1D<float>(BatchBuffers.Checked(capacity, net.Outputs));
        TopGradient = accelerator.Allocate1D<float>(BatchBuffers.Checked(capacity, layer.Units));
        if (!whInShared) TransposedWh = accelerator.Allocate1D<float>(BatchBuffers.Checked(layer.Units, layer.Units));
    }

    public int Capacity { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> Projection { get; }
    public MemoryBuffer1D<float, Stride1D.Dense>? Deltas { get; }
    public MemoryBuffer1D<float, Stride1D.Dense>? HeadDeltas { get; }
    public MemoryBuffer1D<float, Stride1D.Dense>? TopGradient { get; }

    /// <summary>Whᵀ for the global-Wh backward recurrence (training with Wh not in shared memory only).</summary>
    public MemoryBuffer1D<float, Stride1D.Dense>? TransposedWh { get; }

    public void Dispose()
    {
        Projection.Dispose();
        Deltas?.Dispose();
        HeadDeltas?.Dispose();
        TopGradient?.Dispose();
        TransposedWh?.Dispose();
    }
}
