using GpuRnn.Training.Engines.FastCpu;

namespace GpuRnn.Tests.FastCpu;

/// <summary>
/// The SIMD engines against the float32 reference on fresh seeded data: forward loss, every gradient, one Adam step
/// and predictions, over hidden sizes 1–64, 1–24 steps, batches 1–257, every activation and stacked layers. Both
/// layouts run the same body: windows in lanes (<see cref="FastCpuEngine"/>) and models in lanes
/// (<see cref="ModelLanesEngine"/>, one-layer shapes, driven batch by batch here while Trainer fuses its epochs).
/// </summary>
public sealed class FastCpuAgreementTests
{
    /// <summary>
    /// Tolerance: the two engines add the same terms in different orders (lanes, chunks, fused multiply–adds, a
    /// vector tanh within a few ulps), so each value may differ by a few float32 roundings of the largest terms;
    /// 2e-4 of the largest magnitude in the compared vector (plus 1e-6 absolute) covers that with a wide margin
    /// while any missing or doubled term (a real bug) is orders of magnitude larger.
    /// </summary>
    const double RelativeTolerance = 2e-4, AbsoluteTolerance = 1e-6;

    public static TheoryData<int, int[], int, Activation, Activation, int, int, int> Shapes => new()
    {
        // features, units, outputs, hidden, output, steps, windows, batch
        { 1, [3], 1, Activation.Tanh, Activation.Tanh, 12, 40, 1 },
        { 1, [1], 1, Activation.Tanh, Activation.Linear, 1, 9, 1 },
        { 1, [3], 1, Activation.Tanh, Activation.Tanh, 12, 300, 257 },
        { 2, [5], 3, Activation.Relu, Activation.Sigmoid, 7, 70, 33 },
        { 3, [8], 2, Activation.Sigmoid, Activation.Relu, 5, 64, 64 },
        { 1, [16], 1, Activation.Linear, Activation.Tanh, 24, 130, 100 },
        { 4, [32], 1, Activation.Tanh, Activation.Linear, 10, 200, 129 },
        { 1, [64], 2, Activation.Tanh, Activation.Tanh, 6, 80, 80 },
        { 2, [4, 7], 1, Activation.Tanh, Activation.Tanh, 9, 50, 17 },
        { 1, [6, 5, 3], 2, Activation.Relu, Activation.Linear, 4, 30, 9 },
        { 3, [33, 12], 1, Activation.Sigmoid, Activation.Sigmoid, 3, 260, 257 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Windows_in_lanes_match_the_scalar_engine(
        int features, int[] units, int outputs, Activation hidden, Activation output, int steps, int windows, int batch) =>
        MatchesTheScalarEngine(spec => new FastCpuEngine(spec), features, units, outputs, hidden, output, steps, windows, batch);

    /// <summary>The one-layer shapes: models in lanes take one layer (stacked models train on separate engines).</summary>
    public static TheoryData<int, int[], int, Activation, Activation, int, int, int> OneLayerShapes()
    {
        var shapes = new TheoryData<int, int[], int, Activation, Activation, int, int, int>();
        foreach (var row in Shapes)
            if (row.Data.Item2.Length == 1) shapes.Add(row.Data.Item1, row.Data.Item2, row.Data.Item3, row.Data.Item4, row.Data.Item5, row.Data.Item6, row.Data.Item7, row.Data.Item8);
        return shapes;
    }

    [Theory]
    [MemberData(nameof(OneLayerShapes))]
    public void Models_in_lanes_match_the_scalar_engine(
        int features, int[] units, int outputs, Activation hidden, Activation output, int steps, int windows, int batch) =>
        MatchesTheScalarEngine(spec => new ModelLanesEngine(spec, 1), features, units, outputs, hidden, output, steps, windows, batch);

    static void MatchesTheScalarEngine(Func<ModelSpec, IRnnEngine> create,
        int features, int[] units, int outputs, Activation hidden, Activation output, int steps, int windows, int batch)
    {
        var spec = new ModelSpec(features, units, outputs, hidden, output, steps);
        var data = RandomData.Windows(new Random(windows * 31 + steps), spec, windows);
        var parameters = RandomData.KerasWithNoise(spec.Layout(), seed: units.Sum() + steps);
        var order = Enumerable.Range(0, windows).ToArray();
        new Random(7).Shuffle(order);

        using var reference = new ScalarEngine<float>(spec);
        using var fast = create(spec);
        foreach (var engine in new IRnnEngine[] { reference, fast })
        {
            engine.SetTrainingData(data);
            engine.SetParameters(parameters);
            engine.SetOrder(order);
            engine.TakeLossSum();
        }

        for (int start = 0; start < windows; start += batch)
        {
            int count = Math.Min(batch, windows - start);
            reference.Forward(start, count);
            fast.Forward(start, count);
            AssertClose([reference.TakeLossSum()], [fast.TakeLossSum()], $"loss of batch at {start}");
            reference.Backward();
            fast.Backward();
            AssertClose(reference.GetGradients(), fast.GetGradients(), $"gradients of batch at {start}");
            var step = new AdamOptions(LearningRate: 1e-2f).StepFor(start / batch + 1);
            reference.ApplyAdam(step);
            fast.ApplyAdam(step);
            AssertClose(reference.GetParameters(), fast.GetParameters(), $"parameters after batch at {start}");
        }
        AssertClose(reference.Predict(data), fast.Predict(data), "predictions");
    }

    static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what) =>
        Close.Assert(expected, actual, RelativeTolerance / 2, what, AbsoluteTolerance); // ≤ the old bound rel·max|b| + abs at every entry

    static void AssertClose(double[] expected, double[] actual, string what) => Close.Assert(expected, actual, RelativeTolerance / 2, what, AbsoluteTolerance); // ≤ the old bound rel·max|b| + abs at every entry
}
