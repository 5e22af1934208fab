namespace GpuRnn.Tests;

/// <summary>
/// The window length belongs to the windows, not to the weights (as in Keras's SimpleRNN): every engine trains and
/// predicts windows of any length T ≥ 1, whatever length its spec records.
/// </summary>
public sealed class WindowLengthTests
{
    /// <summary>Engine kind, models, hidden units.</summary>
    public static TheoryData<EngineKind, int, int> Engines() => new()
    {
        { EngineKind.Scalar, 1, 4 },
        { EngineKind.Simd, 1, 4 },  // FastCpuEngine
        { EngineKind.Simd, 3, 4 },  // ModelLanesEngine
        { EngineKind.IlgpuCpu, 1, 4 },   // the epoch kernel (batch ≤ 4), the reference kernels (larger batches)
        { EngineKind.IlgpuCpu, 1, 16 },  // the fast batch kernels (hidden ≥ 16)
        { EngineKind.IlgpuCpu, 3, 4 },   // the reference kernels' model dimension
    };

    /// <summary>
    /// Float32 predictions against ScalarEngine&lt;double&gt;'s: the SIMD engines compute tanh and sigmoid their own
    /// way (a few ulp); the scalar engine and the CPU accelerator use .NET's float functions.
    /// </summary>
    static double PredictionTolerance(EngineKind kind) => kind == EngineKind.Simd ? 1e-4 : 1e-5;

    static ModelSpec Spec(int units, int timeSteps) => new(2, [units], 1, Activation.Tanh, Activation.Sigmoid, timeSteps);

    static WindowSet Windows(Random rng, int units, int timeSteps, int count) => RandomData.Windows(rng, Spec(units, timeSteps), count);

    static ModelVariant[] Variants(int models) => [.. Enumerable.Range(0, models).Select(m => new ModelVariant(m + 1, 0.01f * (m + 1)))];

    /// <summary>
    /// An engine of a spec that records 12 steps trains windows of 5 bit for bit as one whose spec records 5 (its
    /// weights, losses and predictions; batches of 2 then 5 reach both the ILGPU epoch kernel and the per-batch
    /// path); trained on windows of 12, it then predicts windows of 3 and of 20 as ScalarEngine&lt;double&gt; does
    /// with the same weights, within the engine's tolerance.
    /// </summary>
    [Theory]
    [MemberData(nameof(Engines))]
    public void Engines_train_and_predict_windows_of_any_length(EngineKind kind, int models, int units)
    {
        var rng = new Random(17);
        var windows = Windows(rng, units, 5, 13);
        var layout = Spec(units, 5).Layout();
        var initial = Enumerable.Range(0, models).SelectMany(_ => RandomData.Parameters(rng, layout, 0.5)).ToArray();
        double[] Train(IRnnEngine engine)
        {
            engine.SetParameters(initial);
            var losses = new List<double>();
            foreach (int batch in new[] { 2, 5 })
            {
                var options = new TrainingOptions { Epochs = 1, BatchSize = batch, ValidationSplit = 0.2 };
                foreach (var history in Trainer.Fit(engine, windows, options, Variants(models)))
                    losses.AddRange(history.Epochs.SelectMany(e => new[] { e.Loss, e.ValidationLoss!.Value }));
            }
            return [.. losses];
        }
        using var built = EngineFactory.Create(kind, Spec(units, 5), models);
        using var engine = EngineFactory.Create(kind, Spec(units, 12), models);
        Assert.Equal(Train(built), Train(engine));
        Assert.Equal(built.GetParameters(), engine.GetParameters());
        Assert.Equal(built.Predict(windows), engine.Predict(windows));

        Trainer.Fit(engine, Windows(rng, units, 12, 6), new TrainingOptions { Epochs = 1, BatchSize = 3 }, Variants(models));
        foreach (int steps in new[] { 3, 20 })
            AssertPredictsAsScalar(engine, Windows(rng, units, steps, 5), PredictionTolerance(kind), $"windows of {steps} after training on 12");
    }

    static void AssertPredictsAsScalar(IRnnEngine engine, WindowSet windows, double tolerance, string what)
    {
        int p = engine.Layout.Count, n = windows.Y.Length;
        var weights = engine.GetParameters();
        var predicted = engine.Predict(windows);
        for (int m = 0; m < engine.Models; m++)
        {
            using var exact = new ScalarEngine<double>(engine.Spec);
            exact.SetParameters(weights.AsSpan(m * p, p));
            Close.Assert(exact.Predict(windows), predicted.AsSpan(m * n, n), tolerance, $"model {m}'s predictions of {what} on {engine.Name}", floor: 1e-7);
        }
    }

    [Fact]
    public void Windows_of_another_width_or_output_count_or_of_no_steps_are_refused_in_one_line()
    {
        var spec = Spec(3, 12);
        using var engine = new ScalarEngine<float>(spec);
        (WindowSet Windows, string Why)[] misfits =
        [
            (new(new float[2 * 5 * 3], new float[2], 2, 5, 3, 1), "do not fit the model"), // 3 features, the model takes 2
            (new(new float[2 * 5 * 2], new float[4], 2, 5, 2, 2), "do not fit the model"), // 2 outputs, the model gives 1
            (new([], new float[2], 2, 0, 2, 1), "got 0"),                                   // no step
        ];
        foreach (var (windows, why) in misfits)
        {
            var e = Assert.Throws<GpuRnnInputException>(() => engine.SetTrainingData(windows));
            Assert.DoesNotContain('\n', e.Message);
            Assert.Contains(why, e.Message);
            Assert.Equal(e.Message, Assert.Throws<GpuRnnInputException>(() => engine.Predict(windows)).Message);
        }
    }
}
