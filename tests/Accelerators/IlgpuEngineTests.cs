using GpuRnn.Tests.Engines;
using GpuRnn.Training.Engines.Ilgpu;

namespace GpuRnn.Tests.Accelerators;

/// <summary>
/// What only the ILGPU engine has, on each accelerator kind's one opened device (the engine contract covers the rest):
/// KernelPlan's rule against the device's shared memory, predictions past one device chunk, and the factory's engine
/// of several models.
/// </summary>
[Collection(nameof(IlgpuAccelerators))]
public sealed class IlgpuEngineTests(AcceleratorContexts devices)
{
    public static TheoryData<EngineKind> Kinds => new(AcceleratorContexts.Kinds);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void By_shape_the_grouped_kernels_go_where_the_documented_rule_sends_them(EngineKind kind)
    {
        var device = devices.Device(kind);
        using (var tutorial = IlgpuEngine.Create(device, ModelSpec.Tutorial))
        {
            Assert.True(tutorial.CanTrainEpoch(1));
            Assert.True(tutorial.CanTrainEpoch(KernelPlan.EpochKernelMaxBatch));
            Assert.False(tutorial.CanTrainEpoch(KernelPlan.EpochKernelMaxBatch + 1));
            Assert.False(tutorial.UsesGroupedBatchKernels); // hidden 3 < 16: the reference thread-per-window kernels
        }
        using (var wide = IlgpuEngine.Create(device, new ModelSpec(1, [KernelPlan.BatchKernelMinUnits], 1, Activation.Tanh, Activation.Tanh, 4)))
        {
            Assert.True(wide.UsesGroupedBatchKernels);
            Assert.True(wide.GroupedBatchKernelsHoldWhInShared);
        }
        using (var several = IlgpuEngine.Create(device, new ModelSpec(1, [KernelPlan.BatchKernelMinUnits], 1, Activation.Tanh, Activation.Tanh, 4), models: 3))
        {
            Assert.False(several.UsesGroupedBatchKernels); // the batch kernels train one model
            Assert.True(several.CanTrainEpoch(1));          // the epoch kernel, a group per model
        }
        // The benchmark's w3 (hidden 128): Wh in shared memory where the device's group has room (not in CUDA's
        // default 48 KB), otherwise the global-Wh recurrences; never the reference kernels.
        var w3 = new ModelSpec(1, [128], 1, Activation.Tanh, Activation.Linear, 48);
        using (var large = IlgpuEngine.Create(device, w3))
        {
            Assert.True(large.UsesGroupedBatchKernels);
            var layer = w3.Layout().KernelArguments(w3.TimeSteps).Layers[0];
            Assert.Equal(KernelPlan.RecurrenceSharedFloats(layer, whInShared: true) * sizeof(float) <= large.SharedMemoryPerGroup,
                large.GroupedBatchKernelsHoldWhInShared);
        }
        using var stacked = IlgpuEngine.Create(device, new ModelSpec(1, [16, 16], 1, Activation.Tanh, Activation.Tanh, 4));
        Assert.False(stacked.UsesGroupedBatchKernels);
        Assert.False(stacked.CanTrainEpoch(1));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Predict_covers_more_windows_than_one_device_chunk(EngineKind kind)
    {
        var spec = new ModelSpec(1, [2], 1, Activation.Tanh, Activation.Sigmoid, 2);
        using var engine = IlgpuEngine.Create(devices.Device(kind), spec);
        var rng = new Random(3);
        var data = RandomData.Windows(rng, spec, 8192 + 77);
        var parameters = RandomData.Parameters(rng, spec.Layout(), 0.5);
        using var scalar = new ScalarEngine<float>(spec);
        scalar.SetParameters(parameters);
        engine.SetParameters(parameters);
        Close.Assert(scalar.Predict(data), engine.Predict(data), Tolerances.Of(kind).Pass, $"predictions on {kind}");
    }

    /// <summary>The factory's engine for this kind opens its own device, trains M models in the same launches and is named for the kind.</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_factory_makes_one_engine_of_several_models_named_for_the_accelerator(EngineKind kind)
    {
        _ = devices.Device(kind); // skips where the kind has no device
        var spec = new ModelSpec(1, [3], 1, Activation.Tanh, Activation.Tanh, 4);
        using var engine = EngineFactory.Create(kind, spec, 3);
        Assert.IsType<IlgpuEngine>(engine);
        Assert.Equal((3, EngineNames.Of(kind)), (engine.Models, engine.Name));
        var data = RandomData.Windows(new Random(5), spec, 4);
        engine.SetTrainingData(data);
        engine.SetParameters([.. Enumerable.Range(0, 3).SelectMany(m => RandomData.KerasWithNoise(engine.Layout, m))]);
        engine.Forward(0, 4);
        engine.Backward();
        Assert.All(engine.GetGradients(), g => Assert.True(float.IsFinite(g)));
        Assert.Equal(3 * 4, engine.Predict(data).Length);
    }
}

/// <summary>KernelPlan's sizing rule: plain arithmetic, no device, so it runs once rather than per accelerator kind.</summary>
public sealed class KernelPlanSizingTests
{
    [Fact]
    public void Wh_fits_a_48_KB_group_up_to_hidden_100_and_the_vectors_alone_far_beyond()
    {
        const int bytes = 48 * 1024;
        Assert.True(KernelPlan.RecurrenceSharedFloats(Layer(100), whInShared: true) * sizeof(float) <= bytes);
        Assert.False(KernelPlan.RecurrenceSharedFloats(Layer(128), whInShared: true) * sizeof(float) <= bytes);
        Assert.True(KernelPlan.RecurrenceSharedFloats(Layer(4096), whInShared: false) * sizeof(float) <= bytes);
        Assert.Equal(3 * 128, KernelPlan.RecurrenceSharedFloats(Layer(128), whInShared: false));
    }

    static LayerShape Layer(int units)
    {
        var spec = new ModelSpec(1, [units], 1, Activation.Tanh, Activation.Linear, 2);
        return spec.Layout().KernelArguments(spec.TimeSteps).Layers[0];
    }
}
