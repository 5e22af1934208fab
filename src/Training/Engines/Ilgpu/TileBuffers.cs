using GpuRnn.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// Device memory for tile launches of up to <see cref="Slots"/> slots (model, window) in up to <see cref="Groups"/>
/// tiles: a row per slot of the hidden states and outputs, and, when training, of the state gradients (which end a
/// step holding every δ_t), a row of gradient partials per tile and a loss per tile.
/// </summary>
sealed class TileBuffers : IDisposable
{
    /// <param name="slots">Models × windows per model.</param>
    public TileBuffers(Accelerator accelerator, NetworkShape net, int slots, int groups, bool forTraining)
    {
        Slots = slots;
        Groups = groups;
        TimeSteps = net.TimeSteps;
        // A kernel argument must be a valid view even where the launch never touches it (Predict): one float then.
        int Rows(int count) => forTraining ? count : 1;
        States = accelerator.Allocate1D<float>(Checked(slots, net.StateStride));
        Outputs = accelerator.Allocate1D<float>(Checked(slots, net.Outputs));
        StateGradients = accelerator.Allocate1D<float>(Checked(Rows(slots), net.StateGradientStride));
        Partials = accelerator.Allocate1D<float>(Checked(Rows(groups), net.ParameterCount));
        LossPartials = accelerator.Allocate1D<float>(Rows(groups));
    }

    public int Slots { get; }
    public int Groups { get; }

    /// <summary>Steps of the windows whose rows these are: kernels launched on them must take a shape of this length.</summary>
    public int TimeSteps { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> States { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> Outputs { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> StateGradients { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> Partials { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> LossPartials { get; }

    public bool Fit(int slots, int groups, int timeSteps) => slots <= Slots && groups <= Groups && timeSteps == TimeSteps;

    /// <summary>The kernels index with 32-bit ints: refuse a batch whose buffers they could not address.</summary>
    internal static long Checked(long rows, int stride)
    {
        long length = rows * stride;
        if (length > int.MaxValue)
            throw new GpuRnnInputException($"{rows} × {stride} = {length} elements per buffer are more than the kernels can index (use a smaller batch or fewer models)");
        return length;
    }

    public void Dispose()
    {
        States.Dispose();
        Outputs.Dispose();
        StateGradients.Dispose();
        Partials.Dispose();
        LossPartials.Dispose();
    }
}
