using GpuRnn.Training;
using GpuRnn.Training.Data;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Engines.Ilgpu;
using GpuRnn.Training.Model;
using Xunit;

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
        var parameters = RandomData.Parameters(rng, new ParameterLayout(spec), 0.5);
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

    [Fact]
    public void Predict_covers_more_windows_than_one_device_chunk()
    {
        RequireDevice();
        var spec = new ModelSpec(1, [2], 1, Activation.Tanh, Activation.Sigmoid, 2);
        var rng = new Random(3);
        var data = RandomData.Windows(rng, spec, 8192 + 77);
        var parameters = RandomData.Parameters(rng, new ParameterLayout(spec), 0.5);
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
        var parameters = RandomData.Parameters(rng, new ParameterLayout(spec), 0.5);
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
