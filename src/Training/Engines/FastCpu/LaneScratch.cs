using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GpuRnn.Kernels;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>
/// BPTT's working rows for one block at a time, allocated once: a thread takes one for each chunk it runs, so a
/// scratch is never shared, nothing is allocated per step, and nothing in it outlives the block (every row is
/// written before it is read, so which scratch a chunk gets never changes a result).
/// </summary>
sealed class LaneScratch
{
    readonly float[] delta, hidden, outputDelta, packed;
    float[] output, below;

    /// <param name="timeSteps">Steps of the windows whose gradients this scratch holds.</param>
    /// <param name="windows">The most windows a block holds (<see cref="LaneBatch.BlockWindows"/>).</param>
    public LaneScratch(ParameterLayout g, int timeSteps, int windows)
    {
        int rows = timeSteps * g.MaxWidth * windows;
        delta = new float[rows];
        output = new float[rows];
        below = new float[rows];
        packed = new float[rows];
        hidden = new float[g.MaxWidth * windows];
        outputDelta = new float[g.Outputs * windows];
    }

    static Span<V> Lanes<V>(float[] a, int vectors) where V : unmanaged => MemoryMarshal.Cast<float, V>(a.AsSpan(0, vectors * (Unsafe.SizeOf<V>() / sizeof(float))));

    public Span<V> Delta<V>(int vectors) where V : unmanaged => Lanes<V>(delta, vectors);
    public Span<V> HiddenGradient<V>(int vectors) where V : unmanaged => Lanes<V>(hidden, vectors);
    public Span<V> OutputDelta<V>(int vectors) where V : unmanaged => Lanes<V>(outputDelta, vectors);

    /// <summary>da transposed per step: a row of units per window (<see cref="LaneProducts{V, L, S}.Pack"/>).</summary>
    public Span<float> Packed(int floats) => packed.AsSpan(0, floats);

    /// <summary>The gradient arriving at each step's output of the layer being differentiated.</summary>
    public Span<V> OutputGradient<V>(int vectors) where V : unmanaged => Lanes<V>(output, vectors);

    /// <summary>Where that layer writes the gradient for the layer below it.</summary>
    public Span<V> BelowGradient<V>(int vectors) where V : unmanaged => Lanes<V>(below, vectors);

    /// <summary>Moving one layer down: what was written for the layer below becomes its incoming gradient.</summary>
    public Span<V> SwapGradients<V>() where V : unmanaged
    {
        (output, below) = (below, output);
        return MemoryMarshal.Cast<float, V>(output.AsSpan());
    }
}
