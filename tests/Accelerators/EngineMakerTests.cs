using GpuRnn.Training.Engines.Ilgpu;

namespace GpuRnn.Tests.Accelerators;

/// <summary>A sweep's engines share one opened ILGPU device: they train as engines on their own devices do, and one
/// engine's end leaves the device to the others.</summary>
public sealed class EngineMakerTests
{
    [Fact]
    public void Engines_on_one_opened_device_train_as_engines_on_their_own_and_outlive_each_other()
    {
        var small = new ModelSpec(1, [3], 1, Activation.Tanh, Activation.Tanh, 4);
        var wide = new ModelSpec(1, [5], 1, Activation.Sigmoid, Activation.Linear, 6);
        var rng = new Random(17);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 3 };
        ModelVariant[] two = [new(1, 0.01f), new(2, 0.02f)];

        using var maker = new EngineMaker(EngineKind.IlgpuCpu);
        var first = maker.Create(small, two.Length);
        var second = maker.Create(wide);
        Assert.All(new[] { first, second }, e => Assert.IsType<IlgpuEngine>(e));

        float[] Train(IRnnEngine engine, WindowSet data, float[] initial, IReadOnlyList<ModelVariant> models)
        {
            engine.SetParameters(initial);
            Trainer.Fit(engine, data, options, models);
            return engine.GetParameters();
        }

        var smallData = RandomData.Windows(rng, small, 10);
        var smallInitial = two.SelectMany(_ => RandomData.Parameters(rng, small.Layout(), 0.5)).ToArray();
        var shared = Train(first, smallData, smallInitial, two);
        first.Dispose(); // the device stays open for the second engine
        var wideData = RandomData.Windows(rng, wide, 9);
        var wideInitial = RandomData.Parameters(rng, wide.Layout(), 0.5);
        var sharedWide = Train(second, wideData, wideInitial, [new(3, 0.01f)]);
        second.Dispose();

        using var ownSmall = EngineFactory.Create(EngineKind.IlgpuCpu, small, two.Length);
        using var ownWide = EngineFactory.Create(EngineKind.IlgpuCpu, wide);
        Assert.Equal(Train(ownSmall, smallData, smallInitial, two), shared);
        Assert.Equal(Train(ownWide, wideData, wideInitial, [new(3, 0.01f)]), sharedWide);
    }
}
