using GpuRnn.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// Device memory for one batch of up to <see cref="Capacity"/> windows: the hidden states and outputs the forward
/// pass keeps, and, when <c>forTraining</c>, what BPTT needs (state gradients, dh/da scratch, per-window gradients).
/// </summary>
sealed class BatchBuffers : IDisposable
{
    public BatchBuffers(Accelerator accelerator, NetworkShape net, int capacity, bool forTraining)
    {
        Capacity = capacity;
        States = accelerator.Allocate1D<float>(Checked(capacity, net.StateStride));
        Outputs = accelerator.Allocate1D<float>(Checked(capacity, net.Outputs));
        if (!forTraining) return;
        StateGradients = accelerator.Allocate1D<float>(Checked(capacity, net.StateGradientStride));
        Scratch = accelerator.Allocate1D<float>(Checked(capacity, 2 * net.MaxUnits));
        WindowGradients = accelerator.Allocate1D<float>(Checked(capacity, net.ParameterCount));
    }

    public int Capacity { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> States { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> Outputs { get; }
    public MemoryBuffer1D<float, Stride1D.Dense>? StateGradients { get; }
    public MemoryBuffer1D<float, Stride1D.Dense>? Scratch { get; }
    public MemoryBuffer1D<float, Stride1D.Dense>? WindowGradients { get; }

    /// <summary>The kernels index with 32-bit ints: refuse a batch whose buffers they could not address.</summary>
    internal static long Checked(int rows, int stride)
    {
        long length = (long)rows * stride;
        if (length > int.MaxValue)
            throw new GpuRnnInputException($"a batch of {rows} windows needs {length} floats per buffer, more than the kernels can index (use a smaller batch)");
        return length;
    }

    public void Dispose()
    {
        States.Dispose();
        Outputs.Dispose();
        StateGradients?.Dispose();
        Scratch?.Dispose();
        WindowGradients?.Dispose();
    }
}
