using GpuRnn.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// What the fast batch kernels add to <see cref="BatchBuffers"/> for up to <see cref="Capacity"/> windows: the
/// hoisted input projections and, when <c>forTraining</c>, every step's delta, the head's deltas and the gradient
/// arriving at the last state.
/// </summary>
sealed class FastBatchBuffers : IDisposable
{
    public FastBatchBuffers(Accelerator accelerator, NetworkShape net, LayerShape layer, int capacity, bool forTraining)
    {
        Capacity = capacity;
        long perStep = BatchBuffers.Checked(capacity, net.TimeSteps * layer.Units);
        Projection = accelerator.Allocate1D<float>(perStep);
        if (!forTraining) return;
        Deltas = accelerator.Allocate1D<float>(perStep);
        HeadDeltas = accelerator.Allocate1D<float>(BatchBuffers.Checked(capacity, net.Outputs));
        TopGradient = accelerator.Allocate1D<float>(BatchBuffers.Checked(capacity, layer.Units));
    }

    public int Capacity { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> Projection { get; }
    public MemoryBuffer1D<float, Stride1D.Dense>? Deltas { get; }
    public MemoryBuffer1D<float, Stride1D.Dense>? HeadDeltas { get; }
    public MemoryBuffer1D<float, Stride1D.Dense>? TopGradient { get; }

    public void Dispose()
    {
        Projection.Dispose();
        Deltas?.Dispose();
        HeadDeltas?.Dispose();
        TopGradient?.Dispose();
    }
}
