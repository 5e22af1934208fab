using GpuRnn.Training.Engines.Ilgpu;

namespace GpuRnn.Tests.Accelerators;

/// <summary>
/// The grouped kernels against the reference kernels AND the scalar engine, on fresh random inputs, one test body per
/// property; a thin class per accelerator kind runs them. Shapes are tiny because the CPU accelerator simulates
/// every group barrier with OS threads (~0.3 ms each).
/// </summary>
public abstract class GroupedKernelTests(EngineKind kind) : AcceleratorFixture(kind)
{
    /// <summary>Hidden 1–32 (incl. above the CPU accelerator's 16 threads per group), steps 1–24, batches 1–257 incl. non-dividing, every activation.</summary>
    public static TheoryData<NetworkCase> BatchShapes => new(
        new NetworkCase(1, [3], 1, Activation.Tanh, Activation.Tanh, 12, 9, 4),
        new NetworkCase(2, [17], 2, Activation.Relu, Activation.Linear, 5, 7, 3),
        new NetworkCase(1, [1], 1, Activation.Sigmoid, Activation.Sigmoid, 1, 9, 9),
        new NetworkCase(3, [32], 1, Activation.Linear, Activation.Tanh, 24, 5, 2),
        new NetworkCase(1, [2], 1, Activation.Tanh, Activation.Relu, 2, 260, 257),
        new NetworkCase(2, [16], 3, Activation.Sigmoid, Activation.Sigmoid, 3, 6, 1));

    /// <summary>
    /// The global-Wh recurrences (forced): hidden 17 and 40 (above the CPU accelerator's 16 threads per group, so the
    /// strided loops run), steps 1–6, batches 1, 3 and 7 incl. non-dividing, every activation.
    /// </summary>
    public static TheoryData<NetworkCase> GlobalWhShapes => new(
        new NetworkCase(2, [17], 1, Activation.Tanh, Activation.Linear, 6, 8, 3),
        new NetworkCase(1, [40], 2, Activation.Relu, Activation.Sigmoid, 3, 7, 7),
        new NetworkCase(3, [17], 1, Activation.Sigmoid, Activation.Tanh, 1, 3, 1),
        new NetworkCase(1, [40], 1, Activation.Linear, Activation.Relu, 5, 4, 3));

    /// <summary>The epoch kernel: batch 1 (the tutorial's), dividing and non-dividing batches, every activation.</summary>
    public static TheoryData<NetworkCase> EpochShapes => new(
        new NetworkCase(1, [3], 1, Activation.Tanh, Activation.Tanh, 12, 12, 1),
        new NetworkCase(2, [17], 2, Activation.Relu, Activation.Linear, 4, 7, 3),
        new NetworkCase(1, [1], 1, Activation.Sigmoid, Activation.Sigmoid, 1, 10, 5),
        new NetworkCase(3, [32], 1, Activation.Linear, Activation.Tanh, 24, 3, 2),
        new NetworkCase(1, [5], 2, Activation.Tanh, Activation.Relu, 6, 20, 257));

    [Theory]
    [MemberData(nameof(BatchShapes))]
    public void Fast_batch_kernels_agree_with_the_reference_kernels_and_the_scalar_engine(NetworkCase shape) =>
        AssertBatchKernelsAgree(shape, IlgpuKernelChoice.Grouped, whInShared: true);

    [Theory]
    [MemberData(nameof(GlobalWhShapes))]
    public void Global_wh_batch_kernels_agree_with_the_reference_kernels_and_the_scalar_engine(NetworkCase shape) =>
        AssertBatchKernelsAgree(shape, IlgpuKernelChoice.GroupedGlobalWh, whInShared: false);

    /// <summary>
    /// Predict, then Forward + Backward batch by batch: outputs, every batch's gradients and the loss sum of the grouped
    /// engine under <paramref name="choice"/> against the reference kernels and the scalar engine.
    /// </summary>
    void AssertBatchKernelsAgree(NetworkCase shape, IlgpuKernelChoice choice, bool whInShared)
    {
        RequireDevice();
        var spec = shape.Spec;
        var rng = new Random(shape.Units.Sum() * 31 + shape.TimeSteps * 7 + shape.BatchSize);
        var data = RandomData.Windows(rng, spec, shape.Windows);
        var parameters = RandomData.Parameters(rng, spec.Layout(), 0.5);
        var order = RandomData.Permutation(shape.Windows, rng);
        using var scalar = new ScalarEngine<float>(spec);
        using var reference = IlgpuEngine.Create(Kind, spec, IlgpuKernelChoice.Reference);
        using var grouped = IlgpuEngine.Create(Kind, spec, choice);
        Assert.True(grouped.UsesGroupedBatchKernels);
        Assert.Equal(whInShared, grouped.GroupedBatchKernelsHoldWhInShared);
        Assert.False(reference.UsesGroupedBatchKernels);
        var engines = new IRnnEngine[] { scalar, reference, grouped };
        foreach (var e in engines)
        {
            e.SetTrainingData(data);
            e.SetParameters(parameters);
            e.SetOrder(order);
        }
        AssertAllClose(engines, e => e.Predict(data), "forward outputs");
        for (int start = 0; start < shape.Windows; start += shape.BatchSize)
        {
            int count = Math.Min(shape.BatchSize, shape.Windows - start);
            foreach (var e in engines) { e.Forward(start, count); e.Backward(); }
            AssertAllClose(engines, e => e.GetGradients(), $"gradients of the batch at {start}");
        }
        AssertAllClose(engines, e => [(float)e.TakeLossSum()], "loss sum");
    }

    [Theory]
    [MemberData(nameof(EpochShapes))]
    public void The_epoch_kernel_agrees_with_the_per_batch_reference_kernels_and_the_scalar_engine(NetworkCase shape)
    {
        RequireDevice();
        var spec = shape.Spec;
        var rng = new Random(shape.Units.Sum() * 37 + shape.TimeSteps * 11 + shape.BatchSize);
        var data = RandomData.Windows(rng, spec, shape.Windows);
        var parameters = RandomData.Parameters(rng, spec.Layout(), 0.5);
        var adam = new AdamOptions(LearningRate: 0.01f);
        using var scalar = new ScalarEngine<float>(spec);
        using var reference = IlgpuEngine.Create(Kind, spec, IlgpuKernelChoice.Reference);
        using var grouped = IlgpuEngine.Create(Kind, spec, IlgpuKernelChoice.Grouped);
        using var byShape = IlgpuEngine.Create(Kind, spec);
        Assert.True(grouped.CanTrainEpoch(shape.BatchSize));
        Assert.False(reference.CanTrainEpoch(shape.BatchSize));
        var engines = new IRnnEngine[] { scalar, reference, grouped, byShape };
        foreach (var e in engines)
        {
            e.SetTrainingData(data);
            e.SetParameters(parameters);
        }
        int batches = (shape.Windows + shape.BatchSize - 1) / shape.BatchSize;
        var schedules = engines.Select(_ => new AdamSchedule(adam)).ToArray();
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var order = RandomData.Permutation(shape.Windows, rng);
            foreach (var e in engines) e.SetOrder(order);
            for (int i = 0; i < engines.Length; i++) // the per-batch path for scalar and reference, the epoch kernel for grouped
                Assert.Equal(batches, Trainer.RunEpoch(engines[i], shape.Windows, shape.BatchSize, schedules[i]));
            AssertAllClose(engines, e => e.GetParameters(), $"weights after epoch {epoch + 1}");
            AssertAllClose(engines, e => e.GetGradients(), $"last batch's gradients of epoch {epoch + 1}");
            AssertAllClose(engines, e => [(float)e.TakeLossSum()], $"loss sum of epoch {epoch + 1}");
        }
    }

    [Fact]
    public void Trainer_fit_through_the_epoch_kernel_matches_the_per_batch_reference_path()
    {
        RequireDevice();
        var spec = new ModelSpec(1, [4], 1, Activation.Tanh, Activation.Linear, 5);
        var rng = new Random(5);
        var data = RandomData.Windows(rng, spec, 30);
        var parameters = RandomData.Parameters(rng, spec.Layout(), 0.5);
        var options = new TrainingOptions { Epochs = 3, BatchSize = 1, ValidationSplit = 0.2 };
        using var reference = IlgpuEngine.Create(Kind, spec, IlgpuKernelChoice.Reference);
        using var byShape = IlgpuEngine.Create(Kind, spec);
        Assert.True(byShape.CanTrainEpoch(1));
        reference.SetParameters(parameters);
        byShape.SetParameters(parameters);
        var expected = Trainer.Fit(reference, data, options);
        var actual = Trainer.Fit(byShape, data, options);
        Assert.Equal(expected.Steps, actual.Steps);
        AssertClose(reference.GetParameters(), byShape.GetParameters(), "weights after Fit");
        AssertClose([.. expected.Epochs.Select(e => (float)e.Loss)], [.. actual.Epochs.Select(e => (float)e.Loss)], "epoch losses");
        AssertClose([.. expected.Epochs.Select(e => (float)e.ValidationLoss!.Value)], [.. actual.Epochs.Select(e => (float)e.ValidationLoss!.Value)], "validation losses");
    }

    /// <summary>
    /// The epoch kernel with a group per model, its groups threaded as on a GPU (the Grouped choice): each of three
    /// models (own weights, orders and learning rates) trained by Trainer.Fit comes out bit for bit as a one-model
    /// epoch-kernel engine trains it alone, and close to the scalar engine.
    /// </summary>
    [Fact]
    public void The_epoch_kernel_trains_each_model_in_its_own_group_as_it_trains_it_alone()
    {
        RequireDevice();
        var spec = new ModelSpec(1, [5], 1, Activation.Tanh, Activation.Sigmoid, 4);
        var rng = new Random(11);
        var data = RandomData.Windows(rng, spec, 13);
        var layout = spec.Layout();
        ModelVariant[] models = [new(1, 0.01f), new(2, 0.003f), new(3, 0.02f)];
        var initial = models.Select(_ => RandomData.Parameters(rng, layout, 0.5)).ToArray();
        var options = new TrainingOptions { Epochs = 2, BatchSize = 2 };
        using var together = IlgpuEngine.Create(Kind, spec, IlgpuKernelChoice.Grouped, models.Length);
        Assert.True(together.CanTrainEpoch(options.BatchSize));
        together.SetParameters([.. initial.SelectMany(w => w)]);
        var histories = Trainer.Fit(together, data, options, models);
        var weights = together.GetParameters();
        for (int i = 0; i < models.Length; i++)
        {
            using var alone = IlgpuEngine.Create(Kind, spec, IlgpuKernelChoice.Grouped);
            using var scalar = new ScalarEngine<float>(spec);
            alone.SetParameters(initial[i]);
            scalar.SetParameters(initial[i]);
            var single = options with { Seed = models[i].Seed, Adam = new AdamOptions(models[i].LearningRate) };
            var history = Trainer.Fit(alone, data, single);
            Trainer.Fit(scalar, data, single);
            var row = weights.AsSpan(i * layout.Count, layout.Count).ToArray();
            Assert.Equal(alone.GetParameters(), row);
            Assert.Equal(history.Epochs.Select(e => e.Loss), histories[i].Epochs.Select(e => e.Loss));
            AssertClose(scalar.GetParameters(), row, $"model {i}'s weights against the scalar engine");
        }
    }

    [Fact]
    public void By_shape_the_grouped_kernels_go_where_the_documented_rule_sends_them()
    {
        RequireDevice();
        using (var tutorial = IlgpuEngine.Create(Kind, ModelSpec.Tutorial))
        {
            Assert.True(tutorial.CanTrainEpoch(1));
            Assert.True(tutorial.CanTrainEpoch(KernelPlan.EpochKernelMaxBatch));
            Assert.False(tutorial.CanTrainEpoch(KernelPlan.EpochKernelMaxBatch + 1));
            Assert.False(tutorial.UsesGroupedBatchKernels); // hidden 3 < 16: the reference thread-per-window kernels
        }
        using (var wide = IlgpuEngine.Create(Kind, new ModelSpec(1, [KernelPlan.BatchKernelMinUnits], 1, Activation.Tanh, Activation.Tanh, 4)))
        {
            Assert.True(wide.UsesGroupedBatchKernels);
            Assert.True(wide.GroupedBatchKernelsHoldWhInShared);
        }
        // The benchmark's w3 (hidden 128): Wh in shared memory where the device's group has room (not in CUDA's
        // default 48 KB), otherwise the global-Wh recurrences; never the reference kernels.
        var w3 = new ModelSpec(1, [128], 1, Activation.Tanh, Activation.Linear, 48);
        using (var large = IlgpuEngine.Create(Kind, w3))
        {
            Assert.True(large.UsesGroupedBatchKernels);
            var layer = w3.Layout().KernelArguments(w3.TimeSteps).Layers[0];
            Assert.Equal(KernelPlan.RecurrenceSharedFloats(layer, whInShared: true) * sizeof(float) <= large.SharedMemoryPerGroup,
                large.GroupedBatchKernelsHoldWhInShared);
        }
        using (var stacked = IlgpuEngine.Create(Kind, new ModelSpec(1, [16, 16], 1, Activation.Tanh, Activation.Tanh, 4)))
        {
            Assert.False(stacked.UsesGroupedBatchKernels);
            Assert.False(stacked.CanTrainEpoch(1));
        }
        using var reference = IlgpuEngine.Create(Kind, ModelSpec.Tutorial, IlgpuKernelChoice.Reference);
        Assert.False(reference.CanTrainEpoch(1));
    }

    void AssertAllClose(IRnnEngine[] engines, Func<IRnnEngine, float[]> read, string what)
    {
        var expected = read(engines[0]);
        foreach (var e in engines.Skip(1)) AssertClose(expected, read(e), $"{what} ({e.Name}, {Describe(e)})");
    }

    static string Describe(IRnnEngine e) => e is IlgpuEngine ilgpu ? ilgpu.UsesGroupedBatchKernels ? "grouped" : "reference or by shape" : "scalar";
}

/// <summary>KernelPlan's sizing rule: plain arithmetic, no device, so it runs once rather than in every accelerator fixture.</summary>
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

    static GpuRnn.Kernels.LayerShape Layer(int units)
    {
        var spec = new ModelSpec(1, [units], 1, Activation.Tanh, Activation.Linear, 2);
        return spec.Layout().KernelArguments(spec.TimeSteps).Layers[0];
    }
}
