using GpuRnn.Training.Engines.Ilgpu;

namespace GpuRnn.Tests.Accelerators;

/// <summary>
/// The properties every ILGPU accelerator must have, one test body each; a thin derived class per accelerator
/// kind runs them (and skips, saying why, where that kind has no usable device).
/// </summary>
public abstract class AcceleratorTests(EngineKind kind) : AcceleratorFixture(kind)
{
    public static TheoryData<NetworkCase> Shapes => new(
        new NetworkCase(1, [3], 1, Activation.Tanh, Activation.Tanh, 12, 20, 1),
        new NetworkCase(2, [17], 2, Activation.Relu, Activation.Linear, 5, 30, 7),
        new NetworkCase(1, [1], 1, Activation.Sigmoid, Activation.Sigmoid, 1, 9, 4),
        new NetworkCase(3, [32], 1, Activation.Linear, Activation.Tanh, 24, 10, 10),
        new NetworkCase(1, [2], 1, Activation.Tanh, Activation.Relu, 3, 300, 257),
        new NetworkCase(2, [5, 4], 1, Activation.Tanh, Activation.Sigmoid, 6, 15, 6),
        new NetworkCase(1, [3, 20, 2], 2, Activation.Sigmoid, Activation.Linear, 4, 8, 3));

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_outputs_losses_and_every_gradient_agree_with_the_scalar_engine(NetworkCase shape)
    {
        RequireDevice();
        var spec = shape.Spec;
        var rng = new Random(shape.Units.Sum() * 1009 + shape.TimeSteps * 101 + shape.Windows * 13 + shape.BatchSize);
        var data = RandomData.Windows(rng, spec, shape.Windows);
        var parameters = RandomData.Parameters(rng, spec.Layout(), 0.5);
        var order = RandomData.Permutation(shape.Windows, rng);
        using var scalar = new ScalarEngine<float>(spec);
        using var engine = EngineFactory.Create(Kind, spec);
        foreach (var e in new IRnnEngine[] { scalar, engine })
        {
            e.SetTrainingData(data);
            e.SetParameters(parameters);
            e.SetOrder(order);
        }
        AssertClose(scalar.Predict(data), engine.Predict(data), "forward outputs");
        for (int start = 0; start < shape.Windows; start += shape.BatchSize)
        {
            int count = Math.Min(shape.BatchSize, shape.Windows - start);
            scalar.Forward(start, count); scalar.Backward();
            engine.Forward(start, count); engine.Backward();
            AssertClose(scalar.GetGradients(), engine.GetGradients(), $"gradients of the batch at {start}");
        }
        AssertClose([(float)scalar.TakeLossSum()], [(float)engine.TakeLossSum()], "loss sum");
    }

    /// <summary>A stacked and a one-layer network, each with a short last batch.</summary>
    public static TheoryData<NetworkCase> ModelDimensionShapes => new(
        new NetworkCase(2, [5, 4], 1, Activation.Tanh, Activation.Sigmoid, 6, 11, 4),
        new NetworkCase(1, [3], 2, Activation.Relu, Activation.Linear, 5, 10, 3));

    /// <summary>
    /// An engine of three models (own initial weights, own epoch orders, own learning rates) trains each model
    /// exactly as a one-model engine on the same kernels trains it alone, bit for bit: a model's threads read only
    /// its own rows. Against the scalar engine, each model agrees within the table's tolerance.
    /// </summary>
    [Theory]
    [MemberData(nameof(ModelDimensionShapes))]
    public void Every_model_of_a_several_model_engine_trains_as_it_does_alone(NetworkCase shape)
    {
        RequireDevice();
        const int models = 3, epochs = 2;
        float[] learningRates = [0.01f, 0.003f, 0.02f];
        var spec = shape.Spec;
        var layout = spec.Layout();
        int p = layout.Count, n = shape.Windows, outputs = spec.Outputs;
        var rng = new Random(shape.Units.Sum() * 31 + shape.Windows * 7 + shape.BatchSize);
        var data = RandomData.Windows(rng, spec, n);
        var initial = Enumerable.Range(0, models).Select(_ => RandomData.Parameters(rng, layout, 0.5)).ToArray();
        var adam = new AdamOptions();

        using var together = EngineFactory.Create(Kind, spec, models);
        Assert.IsType<IlgpuEngine>(together);
        Assert.Equal((models, EngineNames.Of(Kind)), (together.Models, together.Name));
        var alone = new IRnnEngine[models];
        var scalar = new IRnnEngine[models];
        try
        {
            for (int model = 0; model < models; model++)
            {
                alone[model] = IlgpuEngine.Create(Kind, spec, IlgpuKernelChoice.Reference);
                scalar[model] = new ScalarEngine<float>(spec);
                foreach (var e in new[] { alone[model], scalar[model] })
                {
                    e.SetTrainingData(data);
                    e.SetParameters(initial[model]);
                }
            }
            together.SetTrainingData(data);
            together.SetParameters([.. initial.SelectMany(w => w)]);

            int iteration = 0;
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                var orders = Enumerable.Range(0, models).Select(_ => RandomData.Permutation(n, rng)).ToArray();
                together.SetOrder([.. orders.SelectMany(o => o)]);
                for (int model = 0; model < models; model++)
                {
                    alone[model].SetOrder(orders[model]);
                    scalar[model].SetOrder(orders[model]);
                }
                for (int start = 0; start < n; start += shape.BatchSize)
                {
                    int count = Math.Min(shape.BatchSize, n - start);
                    iteration++;
                    var steps = learningRates.Select(rate => adam.StepFor(rate, iteration)).ToArray();
                    together.Forward(start, count);
                    together.Backward();
                    var gradients = together.GetGradients();
                    for (int model = 0; model < models; model++)
                    {
                        foreach (var e in new[] { alone[model], scalar[model] })
                        {
                            e.Forward(start, count);
                            e.Backward();
                        }
                        string what = $"model {model}'s gradients at step {iteration}";
                        Assert.Equal(alone[model].GetGradients(), Row(gradients, model, p));
                        Close.Assert(scalar[model].GetGradients(), alone[model].GetGradients(), AcceleratorTable.TrainingTolerance(Kind), $"{what} on {Kind}");
                        alone[model].ApplyAdam(steps[model]);
                        scalar[model].ApplyAdam(steps[model]);
                    }
                    together.ApplyAdam(steps);
                }
                var lossSums = together.TakeLossSums();
                for (int model = 0; model < models; model++)
                {
                    double aloneSum = alone[model].TakeLossSum();
                    Assert.Equal(aloneSum, lossSums[model]);
                    Close.Assert([scalar[model].TakeLossSum()], [aloneSum], AcceleratorTable.TrainingTolerance(Kind), $"model {model}'s loss sum of epoch {epoch} on {Kind}");
                }
            }

            var weights = together.GetParameters();
            var predictions = together.Predict(data);
            Assert.Equal(models * n * outputs, predictions.Length);
            for (int model = 0; model < models; model++)
            {
                Assert.Equal(alone[model].GetParameters(), Row(weights, model, p));
                Assert.Equal(alone[model].Predict(data), Row(predictions, model, n * outputs));
                Close.Assert(scalar[model].GetParameters(), alone[model].GetParameters(), AcceleratorTable.TrainingTolerance(Kind), $"model {model}'s weights on {Kind}");
                Close.Assert(scalar[model].Predict(data), alone[model].Predict(data), AcceleratorTable.TrainingTolerance(Kind), $"model {model}'s predictions on {Kind}");
            }
        }
        finally
        {
            foreach (var e in alone.Concat(scalar)) e?.Dispose();
        }
    }

    /// <summary>Model <paramref name="model"/>'s row of a model-major array with rows of <paramref name="length"/>.</summary>
    static float[] Row(float[] modelMajor, int model, int length) => modelMajor.AsSpan(model * length, length).ToArray();

    [Fact]
    public void Predict_covers_more_windows_than_one_device_chunk()
    {
        RequireDevice();
        var spec = new ModelSpec(1, [2], 1, Activation.Tanh, Activation.Sigmoid, 2);
        var rng = new Random(3);
        var data = RandomData.Windows(rng, spec, 8192 + 77);
        var parameters = RandomData.Parameters(rng, spec.Layout(), 0.5);
        using var scalar = new ScalarEngine<float>(spec);
        using var engine = EngineFactory.Create(Kind, spec);
        scalar.SetParameters(parameters);
        engine.SetParameters(parameters);
        AssertClose(scalar.Predict(data), engine.Predict(data), "predictions");
    }

    [Theory]
    [InlineData(1, 8)]
    [InlineData(0, 5)]
    public void Adam_steps_agree_with_the_scalar_engine(int shapeIndex, int steps)
    {
        RequireDevice();
        var shape = (NetworkCase)Shapes.ElementAt(shapeIndex).Data;
        var spec = shape.Spec;
        var rng = new Random(7 + shapeIndex);
        var data = RandomData.Windows(rng, spec, shape.Windows);
        var parameters = RandomData.Parameters(rng, spec.Layout(), 0.5);
        var adam = new AdamOptions(LearningRate: 0.01f);
        using var scalar = new ScalarEngine<float>(spec);
        using var engine = EngineFactory.Create(Kind, spec);
        foreach (var e in new IRnnEngine[] { scalar, engine })
        {
            e.SetTrainingData(data);
            e.SetParameters(parameters);
            // Batch 1: both engines see the same gradient bits, so Adam alone decides whether the weights agree.
            for (int step = 1; step <= steps; step++)
            {
                e.Forward(step % shape.Windows, 1);
                e.Backward();
                e.ApplyAdam(adam.StepFor(step));
            }
        }
        AssertClose(scalar.GetParameters(), engine.GetParameters(), "weights after Adam");
    }

    [Fact]
    public void Twenty_tutorial_epochs_give_the_scalar_engines_rmse()
    {
        RequireDevice();
        var job = new TrainingRun(SunspotsDataset.Load(), ModelSpec.Tutorial, new WindowingOptions(12), new TrainingOptions(), EngineKind.Scalar);
        var scalar = job.Run();
        var accelerated = (job with { Engine = Kind }).Run();
        Assert.Equal(EngineNames.Of(Kind), accelerated.EngineName);
        Assert.InRange(Math.Abs(accelerated.TrainRmse - scalar.TrainRmse), 0, 1e-4);
        Assert.InRange(Math.Abs(accelerated.TestRmse - scalar.TestRmse), 0, 1e-4);
    }

    [Fact]
    public void Repeated_runs_are_bit_identical()
    {
        RequireDevice();
        var series = SunspotsDataset.Load();
        var job = new TrainingRun(series, new ModelSpec(1, [4, 3], 1, Activation.Tanh, Activation.Linear, 6), new WindowingOptions(6),
            new TrainingOptions { Epochs = 2, BatchSize = 16, Seed = 3 }, Kind);
        var first = job.Run();
        var second = job.Run();
        Assert.Equal(first.Parameters, second.Parameters);
        Assert.Equal(first.TrainPredictions, second.TrainPredictions);
        Assert.Equal(first.History.Epochs.Select(e => e.Loss), second.History.Epochs.Select(e => e.Loss));
    }

    /// <summary>
    /// Values agree when |a − b| ≤ tolerance · (|b| + max|b|): relative for large entries, and relative to the
    /// vector's scale for entries near zero, where a relative bound means nothing.
    /// </summary>
}
