using System.Numerics;
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
    public LaneScratch(ParameterLayout g, int timeSteps, int parameterCount)
    {
        int rows = timeSteps * g.MaxWidth * LaneBatch.Width;
        delta = new float[rows];
        output = new float[rows];
        below = new float[rows];
        hidden = new float[g.MaxWidth * LaneBatch.Width];
        outputDelta = new float[g.Outputs * LaneBatch.Width];
        Gradient = new float[parameterCount];
    }

    /// <summary>This chunk's gradient sum, reduced with the other chunks' in chunk order.</summary>
    public float[] Gradient { get; }

    /// <summary>This chunk's loss sum from the last forward pass.</summary>
    public double Loss { get; set; }

    static Span<Vector<float>> Lanes(float[] a, int vectors) => MemoryMarshal.Cast<float, Vector<float>>(a.AsSpan(0, vectors * LaneBatch.Width));

    public Span<Vector<float>> Delta(int vectors) => Lanes(delta, vectors);
    public Span<Vector<float>> HiddenGradient(int vectors) => Lanes(hidden, vectors);
    public Span<Vector<float>> OutputDelta => Lanes(outputDelta, outputDelta.Length / LaneBatch.Width);

    /// <summary>The gradient arriving at each step's output of the layer being differentiated.</summary>
    public Span<Vector<float>> OutputGradient(int vectors) => Lanes(output, vectors);

    /// <summary>Where that layer writes the gradient for the layer below it.</summary>
    public Span<Vector<float>> BelowGradient(int vectors) => Lanes(below, vectors);

    /// <summary>Moving one layer down: what was written for the layer below becomes its incoming gradient.</summary>
    public Span<Vector<float>> SwapGradients()
    {
        (output, below) = (below, output);
        return Lanes(output, output.Length / LaneBatch.Width);
    }
}
