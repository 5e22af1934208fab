namespace GpuRnn.Tests.Engines;

/// <summary>
/// The contract of <see cref="IRnnEngine"/> (and <see cref="IEpochEngine"/>), one test body per property, run by every
/// engine case (Contracts.cs, one line each): forward outputs, loss sums and every gradient; Adam steps, batch by batch
/// and through the fused epoch; 20 tutorial epochs; bit-identical reruns; M models trained together as each trains
/// alone; windows of any length. The oracle is <c>ScalarEngine&lt;float&gt;</c>, met within the case's
/// <see cref="Tolerance"/> (bit for bit where the case is exact).
/// </summary>
public abstract class EngineContract<TCase>(TCase engines) where TCase : IEngineCase
{
    /// <summary>Each kind the case runs on, with each contract shape it takes.</summary>
    public static TheoryData<EngineKind, NetworkCase> Shapes =>
        OnEachKind(TCase.Takes.HasFlag(ShapeSet.Large) ? [.. NetworkCase.Small, .. NetworkCase.Large] : NetworkCase.Small);

    /// <summary>Each kind and several-model shape, the models sharing their windows and each on its own.</summary>
    public static TheoryData<EngineKind, NetworkCase, bool> ModelShapesAndData =>
        new(Taken(NetworkCase.SeveralModels).SelectMany(row => new[] { (row.Kind, row.Shape, false), (row.Kind, row.Shape, true) }));

    public static TheoryData<EngineKind> Kinds => new(TCase.Kinds);

    /// <summary>Each kind at batch 1 and at batch 4.</summary>
    public static TheoryData<EngineKind, int> KindsAndBatches => new(TCase.Kinds.SelectMany(kind => new[] { (kind, 1), (kind, 4) }));

    /// <summary>Each kind with one model and with several.</summary>
    public static TheoryData<EngineKind, bool> KindsAndModels => new(TCase.Kinds.SelectMany(kind => new[] { (kind, false), (kind, true) }));

    /// <summary>Each kind and rerun shape, with one model and with several.</summary>
    public static TheoryData<EngineKind, NetworkCase, bool> Reruns =>
        new(Taken(NetworkCase.Reruns(TCase.Takes.HasFlag(ShapeSet.Large))).SelectMany(row => new[] { (row.Kind, row.Shape, false), (row.Kind, row.Shape, true) }));

    static TheoryData<EngineKind, NetworkCase> OnEachKind(IEnumerable<NetworkCase> shapes) => new(Taken(shapes));

    static IEnumerable<(EngineKind Kind, NetworkCase Shape)> Taken(IEnumerable<NetworkCase> shapes) =>
        TCase.Kinds.SelectMany(kind => shapes.Where(s => TCase.Takes.HasFlag(ShapeSet.Stacked) || !s.Stacked).Select(s => (kind, s)));

    /// <summary>The tolerance of a comparison on <paramref name="kind"/>: exact at batch 1 (and for per-window values) where the case is.</summary>
    double Pass(EngineKind kind, bool perWindow) => engines.ExactAtBatchOne(kind) && perWindow ? 0 : engines.Tolerance(kind).Pass;

    double Training(EngineKind kind, bool perWindow) => engines.ExactAtBatchOne(kind) && perWindow ? 0 : engines.Tolerance(kind).Training;

    void AssertMatches(EngineKind kind, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what) =>
        Close.Assert(expected, actual, tolerance, $"{what} on {GetType().Name} ({kind})", tolerance == 0 ? 0 : engines.Tolerance(kind).Floor);

    void AssertMatches(EngineKind kind, double[] expected, double[] actual, double tolerance, string what) =>
        Close.Assert(expected, actual, tolerance, $"{what} on {GetType().Name} ({kind})", tolerance == 0 ? 0 : engines.Tolerance(kind).Floor);

    static void Prepare(IEnumerable<IRnnEngine> engines, WindowSet data, float[] parameters)
    {
        foreach (var e in engines)
        {
            e.SetTrainingData(data);
            e.SetParameters(parameters);
            e.TakeLossSums();
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_outputs_losses_and_every_gradient_match_the_scalar_engine(EngineKind kind, NetworkCase shape)
    {
        var spec = shape.Spec;
        using var engine = engines.Create(kind, spec, 1);
        engines.AssertRunsItsCode(engine, shape);
        var rng = shape.Random(1);
        var data = RandomData.Windows(rng, spec, shape.Windows);
        using var scalar = new ScalarEngine<float>(spec);
        Prepare([scalar, engine], data, RandomData.Parameters(rng, engine.Layout, 0.5));
        var order = RandomData.Permutation(shape.Windows, rng);
        scalar.SetOrder(order);
        engine.SetOrder(order);
        AssertMatches(kind, scalar.Predict(data), engine.Predict(data), Pass(kind, perWindow: true), "forward outputs");
        for (int start = 0; start < shape.Windows; start += shape.BatchSize)
        {
            int count = Math.Min(shape.BatchSize, shape.Windows - start);
            scalar.Forward(start, count);
            engine.Forward(start, count);
            AssertMatches(kind, scalar.TakeLossSums(), engine.TakeLossSums(), Pass(kind, count == 1), $"loss sum of the batch at {start}");
            scalar.Backward();
            engine.Backward();
            AssertMatches(kind, scalar.GetGradients(), engine.GetGradients(), Pass(kind, count == 1), $"gradients of the batch at {start}");
        }
    }

    /// <summary>
    /// Two epochs in shuffled orders: the first batch by batch (Forward, Backward, ApplyAdam), the second as the
    /// trainer runs it (one fused call where the engine can train a whole epoch).
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void Adam_steps_batch_by_batch_and_fused_match_the_scalar_engine(EngineKind kind, NetworkCase shape)
    {
        var spec = shape.Spec;
        using var engine = engines.Create(kind, spec, 1);
        var rng = shape.Random(2);
        var data = RandomData.Windows(rng, spec, shape.Windows);
        using var scalar = new ScalarEngine<float>(spec);
        Prepare([scalar, engine], data, RandomData.Parameters(rng, engine.Layout, 0.5));
        var adam = new AdamOptions(LearningRate: 0.01f);
        var (scalarSteps, engineSteps) = (new AdamSchedule(adam), new AdamSchedule(adam));
        int n = shape.Windows, batches = Trainer.StepsPerEpoch(n, shape.BatchSize);
        double tolerance = Training(kind, shape.BatchSize == 1);
        for (int epoch = 1; epoch <= 2; epoch++)
        {
            var order = RandomData.Permutation(n, rng);
            scalar.SetOrder(order);
            engine.SetOrder(order);
            Assert.Equal(batches, Trainer.RunEpoch(scalar, n, shape.BatchSize, scalarSteps));
            Assert.Equal(batches, Trainer.RunEpoch(engine, n, shape.BatchSize, engineSteps, deadline: epoch == 1 ? long.MaxValue : null));
            AssertMatches(kind, scalar.GetParameters(), engine.GetParameters(), tolerance, $"weights after epoch {epoch}");
            AssertMatches(kind, scalar.GetGradients(), engine.GetGradients(), tolerance, $"the last batch's gradients of epoch {epoch}");
            AssertMatches(kind, scalar.TakeLossSums(), engine.TakeLossSums(), tolerance, $"loss sum of epoch {epoch}");
        }
        AssertMatches(kind, scalar.Predict(data), engine.Predict(data), tolerance, "predictions after training");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Twenty_tutorial_epochs_give_the_scalar_engines_rmse(EngineKind kind)
    {
        using var engine = engines.Create(kind, ModelSpec.Tutorial, 1);
        if (engines.TutorialSkipped(kind) is { } why) Assert.Skip(why);
        var (train, test) = ScalarTutorial.Rmse(engine);
        double tolerance = engines.ExactAtBatchOne(kind) ? 0 : Tolerances.TutorialRmse; // the tutorial trains at batch 1
        Assert.InRange(Math.Abs(train - ScalarTutorial.Train), 0, tolerance);
        Assert.InRange(Math.Abs(test - ScalarTutorial.Test), 0, tolerance);
    }

    /// <summary>
    /// Training in Keras's form on windows of several features, as the data pipeline cuts them from three columns (each
    /// scaled on its own, the target the third): Keras's initial weights (a glorot kernel of F × units), shuffled
    /// epochs by the trainer's seed, Adam at batch 1 and at batch 4, a validation split; weights, losses and predictions
    /// as the scalar engine trains them.
    /// </summary>
    [Theory]
    [MemberData(nameof(KindsAndBatches))]
    public void Several_features_train_in_keras_form_as_on_the_scalar_engine(EngineKind kind, int batchSize)
    {
        var (inputs, target) = MultivariateDataTests.Synthetic(rows: 50);
        var data = ForecastData.Prepare(inputs, target, new WindowingOptions(TimeSteps: 5, Stride: 1, SplitFraction: 1)).Train;
        var spec = new ModelSpec(3, [4], 1, Activation.Tanh, Activation.Tanh, 5);
        Assert.Equal(3, data.Features);
        var options = new TrainingOptions { Epochs = 2, BatchSize = batchSize, Seed = 9, ValidationSplit = 0.2, Adam = new AdamOptions(0.01f) };
        (float[] Weights, double[] Losses, float[] Predictions) Train(IRnnEngine engine)
        {
            engine.SetParameters(Initializers.KerasDefaults(engine.Layout, options.Seed));
            var history = Trainer.Fit(engine, data, options);
            return (engine.GetParameters(), [.. Losses(history)], engine.Predict(data));
        }
        using var engine = engines.Create(kind, spec, 1);
        using var scalar = new ScalarEngine<float>(spec);
        var (expected, actual) = (Train(scalar), Train(engine));
        double tolerance = Training(kind, batchSize == 1);
        AssertMatches(kind, expected.Weights, actual.Weights, tolerance, $"weights after Keras-form training of 3 features at batch {batchSize}");
        AssertMatches(kind, expected.Losses, actual.Losses, tolerance, $"epoch and validation losses at batch {batchSize}");
        AssertMatches(kind, expected.Predictions, actual.Predictions, tolerance, $"predictions after training at batch {batchSize}");
    }

    /// <summary>
    /// Two trainings from the same start give the same bits (weights, losses, predictions), with one model and with
    /// several. The CPU engines' shape spreads a batch, and the models in lanes, over threads, so a result that
    /// depended on which thread finished first would show.
    /// </summary>
    [Theory]
    [MemberData(nameof(Reruns))]
    public void Reruns_are_bit_identical(EngineKind kind, NetworkCase shape, bool severalModels)
    {
        int count = severalModels ? engines.SeveralModels : 1;
        var models = Enumerable.Range(0, count).Select(m => new ModelVariant(m + 1, 0.01f)).ToArray();
        var rng = shape.Random(5);
        var data = RandomData.Windows(rng, shape.Spec, shape.Windows);
        var initial = models.SelectMany(_ => RandomData.KerasWithNoise(shape.Spec.Layout(), rng.Next())).ToArray();
        var options = new TrainingOptions { Epochs = 2, BatchSize = shape.BatchSize, ValidationSplit = 0.2 };
        (float[] Weights, double[] Losses, float[] Predictions) Train()
        {
            using var engine = engines.Create(kind, shape.Spec, count);
            engine.SetParameters(initial);
            var histories = Trainer.Fit(engine, data, options, models);
            return (engine.GetParameters(), [.. histories.SelectMany(Losses)], engine.Predict(data));
        }
        var first = Train();
        var second = Train();
        Assert.Equal(first.Weights, second.Weights);
        Assert.Equal(first.Losses, second.Losses);
        Assert.Equal(first.Predictions, second.Predictions);
    }

    /// <summary>
    /// M models (own initial weights, seeds, so epoch orders, and learning rates) trained together, on the same windows
    /// (Trainer.Fit: a sweep) or each on windows of its own (Trainer.FitPerModel: one model per series, each with its
    /// own validation windows): each comes out as the case trains it alone on its windows (weights, epoch and
    /// validation losses, predictions), bit for bit where both run the same arithmetic and within the tolerance
    /// otherwise, and as the scalar engine trains it, within the tolerance.
    /// </summary>
    [Theory]
    [MemberData(nameof(ModelShapesAndData))]
    public void Several_models_train_each_as_it_trains_alone(EngineKind kind, NetworkCase shape, bool ownWindows)
    {
        var spec = shape.Spec;
        int count = engines.SeveralModels;
        using var together = engines.Create(kind, spec, count);
        Assert.Equal(count, together.Models);
        var rng = shape.Random(3);
        var data = Enumerable.Range(0, ownWindows ? count : 1).Select(_ => RandomData.Windows(rng, spec, shape.Windows)).ToArray();
        var models = Enumerable.Range(0, count).Select(m => new ModelVariant(m + 1, 0.01f * (1 + m % 3))).ToArray();
        var initial = models.Select(_ => RandomData.Parameters(rng, together.Layout, 0.5)).ToArray();
        var options = new TrainingOptions { Epochs = 2, BatchSize = shape.BatchSize, ValidationSplit = 0.2 };
        together.SetParameters([.. initial.SelectMany(w => w)]);
        var histories = ownWindows ? Trainer.FitPerModel(together, data, options, models) : Trainer.Fit(together, data[0], options, models);
        var predictions = ownWindows ? together.PredictPerModel(WindowSet.Concat(data)) : together.Predict(data[0]);
        AssertEachAsAlone(kind, shape, together, histories, predictions, initial, models, m => data[ownWindows ? m : 0], options);
    }

    /// <summary>Each of <paramref name="together"/>'s models against itself trained alone on <paramref name="dataOf"/>(m), on this case and on the scalar engine.</summary>
    void AssertEachAsAlone(EngineKind kind, NetworkCase shape, IRnnEngine together, IReadOnlyList<TrainingHistory> histories, float[] predictions,
        float[][] initial, ModelVariant[] models, Func<int, WindowSet> dataOf, TrainingOptions options)
    {
        var spec = shape.Spec;
        int count = together.Models, p = together.Layout.Count;
        var weights = together.GetParameters();
        int outputs = shape.Windows * spec.Outputs;
        Assert.Equal(count * outputs, predictions.Length);
        for (int m = 0; m < count; m++)
        {
            var data = dataOf(m);
            var row = weights.AsSpan(m * p, p);
            var predicted = predictions.AsSpan(m * outputs, outputs);
            using var alone = engines.Create(kind, spec, 1);
            using var scalar = new ScalarEngine<float>(spec);
            foreach (var (other, exact, against) in new (IRnnEngine, bool, string)[]
            {
                (alone, true, "trained alone"),
                (scalar, engines.ExactAtBatchOne(kind) && shape.BatchSize == 1, "on the scalar engine"),
            })
            {
                other.SetParameters(initial[m]);
                var history = Trainer.Fit(other, data, options, [models[m]])[0];
                string what = $"model {m} of {count} against it {against}";
                Assert.Equal(history.Steps, histories[m].Steps);
                AssertMatches(kind, other.GetParameters(), row, exact ? 0 : engines.Tolerance(kind).Training, $"{what}: weights");
                AssertMatches(kind, [.. history.Epochs.Select(e => e.Loss)], [.. histories[m].Epochs.Select(e => e.Loss)], exact ? 0 : engines.Tolerance(kind).Training, $"{what}: epoch losses");
                bool exactPredictions = exact && (other == alone || engines.ExactAtBatchOne(kind));
                AssertMatches(kind, [.. history.Epochs.Select(e => e.ValidationLoss!.Value)], [.. histories[m].Epochs.Select(e => e.ValidationLoss!.Value)],
                    exactPredictions ? 0 : engines.Tolerance(kind).Training, $"{what}: validation losses");
                AssertMatches(kind, other.Predict(data), predicted, exactPredictions ? 0 : engines.Tolerance(kind).Training, $"{what}: predictions");
            }
        }
    }

    /// <summary>
    /// The window length belongs to the windows, not to the weights (as in Keras's SimpleRNN): an engine of a spec that
    /// records 12 steps trains windows of 5 bit for bit as one whose spec records 5 (weights, losses, predictions;
    /// batches of 2 then 5 reach both a fused epoch and the per-batch path); trained on windows of 12, it then predicts
    /// windows of 3 and of 20 as the scalar engine does with the same weights.
    /// </summary>
    [Theory]
    [MemberData(nameof(KindsAndModels))]
    public void Windows_of_any_length_train_and_predict(EngineKind kind, bool severalModels)
    {
        static ModelSpec Spec(int timeSteps) => new(2, [16], 1, Activation.Tanh, Activation.Sigmoid, timeSteps);
        int count = severalModels ? engines.SeveralModels : 1;
        using var built = engines.Create(kind, Spec(5), count);
        using var engine = engines.Create(kind, Spec(12), count);
        var rng = new Random(17);
        var windows = RandomData.Windows(rng, Spec(5), 13);
        var initial = Enumerable.Range(0, count).SelectMany(_ => RandomData.Parameters(rng, engine.Layout, 0.5)).ToArray();
        var models = Enumerable.Range(0, count).Select(m => new ModelVariant(m + 1, 0.01f * (m + 1))).ToArray();
        double[] Train(IRnnEngine trained)
        {
            trained.SetParameters(initial);
            var losses = new List<double>();
            foreach (int batch in new[] { 2, 5 })
                foreach (var history in Trainer.Fit(trained, windows, new TrainingOptions { Epochs = 1, BatchSize = batch, ValidationSplit = 0.2 }, models))
                    losses.AddRange(Losses(history));
            return [.. losses];
        }
        Assert.Equal(Train(built), Train(engine));
        Assert.Equal(built.GetParameters(), engine.GetParameters());
        Assert.Equal(built.Predict(windows), engine.Predict(windows));

        Trainer.Fit(engine, RandomData.Windows(rng, Spec(12), 6), new TrainingOptions { Epochs = 1, BatchSize = 3 }, models);
        int p = engine.Layout.Count;
        var weights = engine.GetParameters();
        foreach (int steps in new[] { 3, 20 })
        {
            var other = RandomData.Windows(rng, Spec(steps), 5);
            var predicted = engine.Predict(other);
            for (int m = 0; m < count; m++)
            {
                using var scalar = new ScalarEngine<float>(Spec(12));
                scalar.SetParameters(weights.AsSpan(m * p, p));
                AssertMatches(kind, scalar.Predict(other), predicted.AsSpan(m * 5, 5), Pass(kind, perWindow: true), $"model {m}'s predictions of windows of {steps} after training on 12");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Windows_that_do_not_fit_are_refused_in_one_line(EngineKind kind)
    {
        using var engine = engines.Create(kind, new ModelSpec(2, [3], 1, Activation.Tanh, Activation.Sigmoid, 12), 1);
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

    static IEnumerable<double> Losses(TrainingHistory history) => history.Epochs.SelectMany(e => new[] { e.Loss, e.ValidationLoss ?? double.NaN });
}

/// <summary>The scalar engine's tutorial, trained once per test run: what every engine's 20 epochs must come close to.</summary>
static class ScalarTutorial
{
    static readonly ForecastData Data = ForecastData.Prepare(SunspotsDataset.Load(), new WindowingOptions());

    static readonly (double Train, double Test) Expected = TrainScalar();

    public static double Train => Expected.Train;

    public static double Test => Expected.Test;

    static (double, double) TrainScalar()
    {
        using var scalar = new ScalarEngine<float>(ModelSpec.Tutorial);
        return Rmse(scalar);
    }

    /// <summary>Keras's initial weights for seed 1, 20 epochs at batch 1, then the train and test RMSE.</summary>
    public static (double Train, double Test) Rmse(IRnnEngine engine)
    {
        engine.SetParameters(Initializers.KerasDefaults(engine.Layout, seed: 1));
        var history = Trainer.Fit(engine, Data.Train, new TrainingOptions());
        Assert.Equal(20, history.Epochs.Count);
        return (Metrics.Rmse(engine.Predict(Data.Train), Data.Train.Y), Metrics.Rmse(engine.Predict(Data.Test), Data.Test.Y));
    }
}
