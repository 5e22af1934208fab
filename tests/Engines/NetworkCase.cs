using static GpuRnn.Kernels.Activation;

namespace GpuRnn.Tests.Engines;

/// <summary>One shape the engines are compared on: the model, how many windows, and the batch size.</summary>
public sealed record NetworkCase(int Features, int[] Units, int Outputs, Activation Hidden, Activation Output, int TimeSteps, int Windows, int BatchSize)
{
    public ModelSpec Spec => new(Features, Units, Outputs, Hidden, Output, TimeSteps);

    public bool Stacked => Units.Length > 1;

    /// <summary>A generator seeded by the shape (and <paramref name="salt"/>), so a failure replays.</summary>
    public Random Random(int salt) => new(Units.Sum() * 1009 + TimeSteps * 101 + Windows * 13 + BatchSize * 7 + Features * 3 + salt);

    public override string ToString() =>
        $"F{Features} U[{string.Join(",", Units)}] O{Outputs} {Hidden.ToKeras()}/{Output.ToKeras()} T{TimeSteps} N{Windows} B{BatchSize}";

    /// <summary>
    /// The engine contract's shapes for every engine: hidden 1–40 (above the CPU accelerator's 16 threads per group, so
    /// the strided loops run; 40 for the global-Wh recurrences), steps 1–24, batches 1–257 incl. non-dividing, 1–3
    /// features and outputs, every activation, stacks of 2 and 3. Tiny, because ILGPU's CPU accelerator simulates
    /// every group barrier with OS threads (~0.3 ms each).
    /// </summary>
    public static readonly NetworkCase[] Small =
    [
        new(1, [3], 1, Tanh, Tanh, 12, 12, 1), new(1, [1], 1, Tanh, Linear, 1, 9, 1), new(2, [17], 2, Relu, Linear, 5, 7, 3),
        new(1, [1], 1, Sigmoid, Sigmoid, 1, 9, 4), new(3, [32], 1, Linear, Tanh, 24, 5, 2), new(1, [2], 1, Tanh, Relu, 2, 260, 257),
        new(2, [16], 3, Sigmoid, Sigmoid, 3, 6, 1), new(1, [40], 2, Relu, Sigmoid, 3, 7, 7), new(1, [5], 2, Tanh, Relu, 3, 6, 257),
        new(2, [5, 4], 1, Tanh, Sigmoid, 6, 11, 4), new(1, [3, 20, 2], 2, Sigmoid, Linear, 4, 8, 3),
    ];

    /// <summary>
    /// More shapes for the CPU engines (<see cref="ShapeSet.Large"/>): hidden up to 64 and 33 (vector
    /// remainders), batches of several SIMD chunks (threads), stacks with a wide bottom layer.
    /// </summary>
    public static readonly NetworkCase[] Large =
    [
        new(1, [3], 1, Tanh, Tanh, 12, 300, 257), new(2, [5], 3, Relu, Sigmoid, 7, 70, 33), new(3, [8], 2, Sigmoid, Relu, 5, 64, 64),
        new(1, [16], 1, Linear, Tanh, 24, 130, 100), new(4, [32], 1, Tanh, Linear, 10, 200, 129), new(1, [64], 2, Tanh, Tanh, 6, 80, 80),
        new(2, [4, 7], 1, Tanh, Tanh, 9, 50, 17), new(1, [6, 5, 3], 2, Relu, Linear, 4, 30, 9), new(3, [33, 12], 1, Sigmoid, Sigmoid, 3, 260, 257),
    ];

    /// <summary>
    /// The model dimension's shapes (trained with a validation split of 0.2, so on 8 windows): batch 1 (a sweep's
    /// default), a batch of 3 over hidden 17 and over a stack (3, 3, 2: the last one short).
    /// </summary>
    public static readonly NetworkCase[] SeveralModels =
        [new(1, [3], 1, Tanh, Tanh, 6, 10, 1), new(2, [17], 1, Relu, Sigmoid, 3, 11, 3), new(2, [5, 4], 1, Tanh, Linear, 5, 10, 3)];

    /// <summary>
    /// Reruns, one layer and stacked: for the CPU engines, batches over several SIMD chunks (on several threads); for
    /// ILGPU's simulator, tiny.
    /// </summary>
    public static NetworkCase[] Reruns(bool large) => large
        ? [new(1, [24], 1, Tanh, Tanh, 12, 600, 256), new(2, [16, 8], 1, Tanh, Linear, 6, 300, 128)]
        : [new(1, [17], 1, Tanh, Linear, 4, 20, 8), new(1, [4, 3], 1, Tanh, Linear, 6, 20, 8)];
}
