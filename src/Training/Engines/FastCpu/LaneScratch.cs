using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GpuRnn.Kernels;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>
/// BPTT's working rows for one chunk of a batch, allocated once: a chunk is run by one thread at a time, so its
/// scratch is never shared, and nothing is allocated per step.
/// </summary>
sealed class LaneScratch
{
    readonly float[] delta, hidden, outputDelta;
    float[] output, below;

    /// <param name="timeSteps">Steps of the windows whose gradients this scratch holds.</param>
    public LaneScratch(ParameterLayout g, int timeSteps, int parameterCount, int lanes)
    {
        int rows = timeSteps * g.MaxWidth * lanes;
        delta = new float[rows];
        output = new float[rows];
        below = new float[rows];
        hidden = new float[g.MaxWidth * lanes];
        outputDelta = new float[g.Outputs * lanes];
        Gradient = new float[parameterCount];
    }

    /// <summary>This chunk's gradient sum, reduced with the other chunks' in chunk order.</summary>
    public float[] Gradient { get; }

    /// <summary>This chunk's loss sum from the last forward pass.</summary>
    public double Loss { get; set; }

    static Span<V> Lanes<V>(float[] a, int vectors) where V : unmanaged => MemoryMarshal.Cast<float, V>(a.AsSpan(0, vectors * (Unsafe.SizeOf<V>() / sizeof(float))));

    public Span<V> Delta<V>(int vectors) where V : unmanaged => Lanes<V>(delta, vectors);
    public Span<V> HiddenGradient<V>(int vectors) where V : unmanaged => Lanes<V>(hidden, vectors);
    public Span<V> OutputDelta<V>() where V : unmanaged => MemoryMarshal.Cast<float, V>(outputDelta.AsSpan());

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
