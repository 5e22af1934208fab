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

    [Theory(SkipTestWithoutData = true)] // every kind present: nothing to say
    [MemberData(nameof(AcceleratorContexts.Absent), MemberType = typeof(AcceleratorContexts))]
    public void Every_test_on_an_absent_accelerator(EngineKind kind, string why) =>
        Assert.Skip($"{kind}: {why}; this class's tests of it run where there is one");

    [Theory]
    [MemberData(nameof(Kinds))]
    public void By_shape_the_kernels_go_where_the_documented_rule_sends_them(EngineKind kind)
    {
        var device = devices.Device(kind);
        using (var tutorial = IlgpuEngine.Create(device, ModelSpec.Tutorial))
        {
            Assert.True(tutorial.CanTrainEpoch(1));
            Assert.True(tutorial.CanTrainEpoch(KernelPlan.EpochKernelMaxBatch));
            Assert.False(tutorial.CanTrainEpoch(KernelPlan.EpochKernelMaxBatch + 1)); // the tile kernels
        }
        using (var stacked = IlgpuEngine.Create(device, new ModelSpec(1, [16, 16], 1, Activation.Tanh, Activation.Tanh, 4)))
            Assert.False(stacked.CanTrainEpoch(1));
        // Wh in shared memory where the device's group has room for it beside one window's vectors (not w3's hidden 128
        // in CUDA's 48 KB), otherwise read from global memory; TilesGlobalWh reads it from global memory always.
        foreach (int units in new[] { 3, 32, 128 })
        {
            var spec = new ModelSpec(1, [units], 1, Activation.Tanh, Activation.Linear, 12);
            using var byShape = IlgpuEngine.Create(device, spec);
            using var global = IlgpuEngine.Create(device, spec, IlgpuKernelChoice.TilesGlobalWh);
            var limits = DeviceLimits.Of(device.Accelerator);
            Assert.Equal(TileKernel.SharedFloats(byShape.Plan.Network, 1, whInShared: true) * sizeof(float) <= limits.SharedBytesPerGroup,
                byShape.Plan.Tiles(1024).WhInShared);
            Assert.False(global.Plan.Tiles(1024).WhInShared);
        }
    }

    /// <summary>
    /// KernelPlan's launch count is what the engine does: a training step of the tile kernels is two launches (three
    /// with Wh in global memory), an epoch of the epoch kernel one, counted on the device.
    /// </summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_training_step_makes_the_launches_the_plan_counts(EngineKind kind)
    {
        var spec = new ModelSpec(1, [8], 1, Activation.Tanh, Activation.Tanh, 5);
        var rng = new Random(11);
        var step = new AdamStep(1e-3f, 0.9f, 0.999f, 1e-7f);
        using var engine = IlgpuEngine.Create(devices.Device(kind), spec);
        using var global = IlgpuEngine.Create(devices.Device(kind), spec, IlgpuKernelChoice.TilesGlobalWh);
        foreach (var (e, launches) in new[] { (engine, 2), (global, 3) })
        {
            e.SetTrainingData(RandomData.Windows(rng, spec, 24));
            e.SetParameters(RandomData.Parameters(rng, spec.Layout(), 0.5));
            long before = e.Launches;
            e.Forward(0, 16);
            e.Backward();
            e.ApplyAdam(step);
            Assert.Equal(launches, e.Plan.LaunchesPerAdamStep(16));
            Assert.Equal(e.Plan.LaunchesPerAdamStep(16), e.Launches - before);
        }
        long epochBefore = engine.Launches;
        engine.TrainEpoch(1, [.. Enumerable.Repeat(step, 24)]);
        Assert.Equal(0, engine.Plan.LaunchesPerAdamStep(1));
        Assert.Equal(1, engine.Launches - epochBefore);
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

/// <summary>KernelPlan's sizing rule: plain arithmetic on stated device limits, no device, so it runs once rather than per accelerator kind.</summary>
public sealed class KernelPlanSizingTests
{
    public static TheoryData<string, int, int> BenchmarkWorkloads => new() { { "w1", 12, 3 }, { "w2", 12, 32 }, { "w3", 48, 128 } };

    /// <summary>
    /// The targets for an H200: at most 3 launches per Adam step (2 with Wh in shared memory, 3 with Wh in
    /// global memory, transposed first) and at least one group per SM (132) in the largest launch.
    /// </summary>
    [Theory]
    [MemberData(nameof(BenchmarkWorkloads))]
    public void On_an_H200_a_benchmark_step_is_at_most_three_launches_over_more_groups_than_SMs(string workload, int steps, int units)
    {
        var spec = new ModelSpec(1, [units], 1, Activation.Tanh, Activation.Linear, steps);
        var plan = KernelPlan.For(DeviceLimits.H200, spec.Layout(), steps, models: 1);
        var tiles = plan.Tiles(1024);
        Assert.Equal(tiles.WhInShared ? 2 : 3, plan.LaunchesPerAdamStep(1024));
        Assert.InRange(tiles.Groups, DeviceLimits.H200.Multiprocessors, int.MaxValue);
        Assert.InRange(tiles.SharedFloats * sizeof(float), 1, DeviceLimits.H200.SharedBytesPerGroup);
        Assert.Equal(0, tiles.Threads % DeviceLimits.H200.WarpSize);
        Assert.True(units <= 100 == tiles.WhInShared, $"{workload}: Wh [U(U + 1)] fits 48 KB up to about hidden 100");
        // Training groups have threads for the gradient pass's items (up to 512); predicting, for the recurrence's
        // (quad of windows, unit) pairs only.
        int recurrence = 32 * (((tiles.TileWindows + 3) / 4 * units + 31) / 32);
        Assert.Equal(Math.Max(recurrence, Math.Min(KernelPlan.MaxGradientThreads, 32 * ((TileKernel.GradientItems(plan.Network, plan.Layers) + 31) / 32))), tiles.Threads);
        Assert.Equal(recurrence, plan.Tiles(1024, train: false).Threads);
    }

    [Fact]
    public void On_an_H200_the_tutorial_trains_an_epoch_in_one_launch()
    {
        var plan = KernelPlan.For(DeviceLimits.H200, ModelSpec.Tutorial.Layout(), 12, models: 1);
        Assert.True(plan.UsesEpochKernel(1));
        Assert.Equal(0, plan.LaunchesPerAdamStep(1));
    }

    [Fact]
    public void A_model_s_tiles_do_not_depend_on_how_many_models_share_the_launch()
    {
        var spec = new ModelSpec(1, [32], 1, Activation.Tanh, Activation.Linear, 12);
        var one = KernelPlan.For(DeviceLimits.H200, spec.Layout(), 12, models: 1).Tiles(1024);
        var many = KernelPlan.For(DeviceLimits.H200, spec.Layout(), 12, models: 50).Tiles(1024);
        Assert.Equal((one.TileWindows, one.TilesPerModel, one.Threads, one.WhInShared), (many.TileWindows, many.TilesPerModel, many.Threads, many.WhInShared));
        Assert.Equal(50 * one.Groups, many.Groups);
    }

    [Fact]
    public void A_layer_too_wide_for_the_device_s_shared_memory_is_refused_in_one_line()
    {
        var spec = new ModelSpec(1, [8000], 1, Activation.Tanh, Activation.Linear, 2);
        var error = Assert.Throws<GpuRnnInputException>(() => KernelPlan.For(DeviceLimits.H200, spec.Layout(), 2, models: 1));
        Assert.Contains("8000 units", error.Message);
    }
}
