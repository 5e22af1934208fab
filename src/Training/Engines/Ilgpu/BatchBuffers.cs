using GpuRnn.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// Device memory for one batch of up to <see cref="Slots"/> slots (model, window), a row of each buffer per slot:
/// the hidden states and outputs the forward pass keeps, and, when <c>forTraining</c>, what BPTT needs (state
/// gradients, dh/da scratch, per-window gradients).
/// </summary>
sealed class BatchBuffers : IDisposable
{
    /// <param name="slots">Models × windows per model (from <see cref="Checked"/>, so it fits an int).</param>
    public BatchBuffers(Accelerator accelerator, NetworkShape net, long slots, bool forTraining)
    {
        Slots = (int)slots;
        TimeSteps = net.TimeSteps;
        States = accelerator.Allocate1D<float>(Checked(Slots, net.StateStride));
        Outputs = accelerator.Allocate1D<float>(Checked(Slots, net.Outputs));
        if (!forTraining) return;
        StateGradients = accelerator.Allocate1D<float>(Checked(Slots, net.StateGradientStride));
        Scratch = accelerator.Allocate1D<float>(Checked(Slots, 2 * net.MaxUnits));
        WindowGradients = accelerator.Allocate1D<float>(Checked(Slots, net.ParameterCount));
    }

    public int Slots { get; }

    /// <summary>Steps of the windows whose rows these are: kernels launched on them must take a shape of this length.</summary>
    public int TimeSteps { get; }
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
            throw new GpuRnnInputException($"{rows} × {stride} = {length} elements per buffer are more than the kernels can index (use a smaller batch or fewer models)");
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
