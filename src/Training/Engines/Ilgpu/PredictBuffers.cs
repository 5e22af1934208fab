using GpuRnn.Kernels;
using GpuRnn.Training.Data;
using ILGPU;
using ILGPU.Runtime;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// One window set uploaded for prediction, with what predicting it takes: the plan for its length and that plan's
/// layer shapes, the order the models read (the identity, which every model reads; or, <see cref="PerModel"/>,
/// model m's own block m·n … m·n + n − 1), and a chunk of tile buffers for <see cref="Capacity"/> windows per model. The window set is held by reference: it is the same set while it is the same object.
/// </summary>
sealed class PredictBuffers : IDisposable
{
    public PredictBuffers(Accelerator accelerator, WindowSet windows, KernelPlan plan, int capacity, int models, bool perModel)
    {
        Windows = windows;
        PerModel = perModel;
        Plan = plan;
        Capacity = capacity;
        try
        {
            X = accelerator.Allocate1D(windows.X);
            // Per model, the order's rows are the models' blocks in turn: exactly the windows, so still 0 … count − 1.
            Order = accelerator.Allocate1D(Enumerable.Range(0, windows.Count).ToArray());
            Layers = accelerator.Allocate1D(plan.Layers);
            Chunk = new TileBuffers(accelerator, plan.Network, models * capacity, models * capacity, forTraining: false);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public WindowSet Windows { get; }
    public bool PerModel { get; }
    public KernelPlan Plan { get; }
    public int Capacity { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> X { get; } = null!;
    public MemoryBuffer1D<int, Stride1D.Dense> Order { get; } = null!;
    public MemoryBuffer1D<LayerShape, Stride1D.Dense> Layers { get; } = null!;
    public TileBuffers Chunk { get; } = null!;

    public void Dispose()
    {
        X?.Dispose();
        Order?.Dispose();
        Layers?.Dispose();
        Chunk?.Dispose();
    }
}
