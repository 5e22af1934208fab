using GpuRnn.Kernels;
using GpuRnn.Training.Data;
using ILGPU;
using ILGPU.Runtime;

namespace GpuRnn.Training.Sweep.Ilgpu;

/// <summary>
/// Device memory for training one group: the windows (uploaded once), the [model × parameter] weights, Adam moments
/// and per-slot window gradients, the states and scratch of a batch of every model, and each epoch's orders and α's.
/// </summary>
sealed class SweepBuffers : IDisposable
{
    readonly List<IDisposable> owned = [];

    public SweepBuffers(Accelerator accelerator, SweepShape net, WindowSet windows, int models, int batchSize, int stepsPerEpoch)
    {
        int slots = models * Math.Min(batchSize, windows.Count);
        try
        {
            X = Own(accelerator.Allocate1D(windows.X));
            Y = Own(accelerator.Allocate1D(windows.Y));
            Weights = Own(accelerator.Allocate1D<float>(Checked(models, net.ParameterCount)));
            M = Own(accelerator.Allocate1D<float>(Weights.Length));
            V = Own(accelerator.Allocate1D<float>(Weights.Length));
            States = Own(accelerator.Allocate1D<float>(Checked(slots, net.StateStride)));
            Outputs = Own(accelerator.Allocate1D<float>(Checked(slots, net.Outputs)));
            Scratch = Own(accelerator.Allocate1D<float>(Checked(slots, net.ScratchStride)));
            WindowGradients = Own(accelerator.Allocate1D<float>(Checked(slots, net.ParameterCount)));
            Orders = Own(accelerator.Allocate1D<int>(Checked(models, windows.Count)));
            Alphas = Own(accelerator.Allocate1D<float>(Checked(stepsPerEpoch, models)));
            M.MemSetToZero();
            V.MemSetToZero();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public MemoryBuffer1D<float, Stride1D.Dense> X { get; } = null!;
    public MemoryBuffer1D<float, Stride1D.Dense> Y { get; } = null!;
    public MemoryBuffer1D<float, Stride1D.Dense> Weights { get; } = null!;
    public MemoryBuffer1D<float, Stride1D.Dense> M { get; } = null!;
    public MemoryBuffer1D<float, Stride1D.Dense> V { get; } = null!;
    public MemoryBuffer1D<float, Stride1D.Dense> States { get; } = null!;
    public MemoryBuffer1D<float, Stride1D.Dense> Outputs { get; } = null!;
    public MemoryBuffer1D<float, Stride1D.Dense> Scratch { get; } = null!;
    public MemoryBuffer1D<float, Stride1D.Dense> WindowGradients { get; } = null!;
    public MemoryBuffer1D<int, Stride1D.Dense> Orders { get; } = null!;
    public MemoryBuffer1D<float, Stride1D.Dense> Alphas { get; } = null!;

    /// <summary>The kernels index with 32-bit ints: refuse a group whose buffers they could not address.</summary>
    public static bool Fits(SweepShape net, int windowCount, int models, int batchSize)
    {
        long slots = (long)models * Math.Min(batchSize, windowCount);
        long widest = Math.Max(Math.Max(net.ParameterCount, net.StateStride), net.ScratchStride);
        return slots * widest <= int.MaxValue && (long)models * windowCount <= int.MaxValue && (long)models * net.ParameterCount <= int.MaxValue;
    }

    static long Checked(long rows, int stride)
    {
        long length = rows * stride;
        if (length > int.MaxValue) throw new GpuRnnInputException($"a sweep buffer of {length} floats is more than the kernels can index (train fewer models at once)");
        return length;
    }

    T Own<T>(T buffer) where T : IDisposable
    {
        owned.Add(buffer);
        return buffer;
    }

    public void Dispose()
    {
        foreach (var buffer in owned) buffer.Dispose();
        owned.Clear();
    }
}
