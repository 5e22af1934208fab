using GpuRnn.Tests.Accelerators;
using GpuRnn.Training;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Engines.Ilgpu;
using GpuRnn.Training.Model;
using GpuRnn.Training.Sweep;

namespace GpuRnn.Tests.Sweep;

/// <summary>One group to train: the model, the windows, the batch size and how many members.</summary>
public sealed record GroupCase(int Units, int TimeSteps, Activation Hidden, Activation Output, int Windows, int BatchSize, int Members)
{
    public ModelSpec Spec => new(1, [Units], 1, Hidden, Output, TimeSteps);

    public override string ToString() => $"U{Units} T{TimeSteps} {Hidden.ToKeras()}/{Output.ToKeras()} N{Windows} B{BatchSize} M{Members}";
}

/// <summary>
/// What the ILGPU group trainer must do on every accelerator, one body; a thin class per accelerator kind runs it
/// (and skips, saying why, where that kind has no usable device).
/// </summary>
public abstract class IlgpuGroupTrainerTests(EngineKind kind) : AcceleratorFixture(kind)
{
    /// <summary>Whether batch-1 groups must match the scalar engine bit for bit (each gradient is then one running sum, as there).</summary>
    protected override float Tolerance => AcceleratorTable.TrainingTolerance(Kind);

    bool ExactForBatchOne => AcceleratorTable.ExactAtBatchOne(Kind);

    /// <summary>Small on purpose: the CPU accelerator is a slow simulator. Every activation appears, batches of 1 and ones that do not divide N.</summary>
    public static TheoryData<GroupCase> Groups => new(
        new GroupCase(3, 12, Activation.Tanh, Activation.Tanh, 24, 1, 3),
        new GroupCase(1, 1, Activation.Sigmoid, Activation.Linear, 30, 7, 9),
        new GroupCase(17, 5, Activation.Relu, Activation.Sigmoid, 20, 6, 1),
        new GroupCase(3, 5, Activation.Linear, Activation.Relu, 25, 4, 9),
        new GroupCase(17, 12, Activation.Tanh, Activation.Sigmoid, 10, 1, 3));

    [Theory]
    [MemberData(nameof(Groups))]
    public void Every_member_equals_the_scalar_engine_trained_alone(GroupCase group)
    {
        RequireDevice();
        var (spec, data, members, options) = Setup(group);
        using var trainer = new IlgpuGroupTrainer(Kind);
        var trained = trainer.Train(spec, data, members, options);
        Assert.Equal(members.Length, trained.Count);
        for (int i = 0; i < members.Length; i++)
        {
            using var scalar = new ScalarEngine<float>(spec);
            scalar.SetParameters(Initializers.KerasDefaults(scalar.Layout, members[i].Seed));
            Trainer.Fit(scalar, data, options with { Seed = members[i].Seed, Adam = new AdamOptions(members[i].LearningRate) });
            string what = $"member {i} (seed {members[i].Seed}, lr {members[i].LearningRate})";
            if (ExactForBatchOne && group.BatchSize == 1) Assert.True(scalar.GetParameters().SequenceEqual(trained[i]), $"{what}: not bit-identical");
            else AssertClose(scalar.GetParameters(), trained[i], what);
        }
    }

    [Fact]
    public void Together_and_one_at_a_time_give_the_same_bits()
    {
        RequireDevice();
        var (spec, data, members, options) = Setup(new GroupCase(3, 5, Activation.Tanh, Activation.Sigmoid, 21, 4, 5));
        using var together = new IlgpuGroupTrainer(Kind);
        using var alone = new IlgpuGroupTrainer(Kind, together: false);
        var a = together.Train(spec, data, members, options);
        var b = alone.Train(spec, data, members, options);
        for (int i = 0; i < members.Length; i++) Assert.Equal(b[i], a[i]);
        Assert.Contains("one model at a time", alone.Name);
        Assert.Contains("same launches", together.Name);
    }

    [Fact]
    public void Stacked_models_are_refused_with_one_line()
    {
        RequireDevice();
        using var trainer = new IlgpuGroupTrainer(Kind);
        var spec = new ModelSpec(1, [3, 2], 1, Activation.Tanh, Activation.Tanh, 4);
        var data = RandomData.Windows(new Random(1), spec, 5);
        var e = Assert.Throws<GpuRnnInputException>(() => trainer.Train(spec, data, [new GroupMember(1, 0.01f)], new TrainingOptions { Epochs = 1 }));
        Assert.DoesNotContain('\n', e.Message);
    }

    static (ModelSpec Spec, Training.Data.WindowSet Data, GroupMember[] Members, TrainingOptions Options) Setup(GroupCase group)
    {
        var spec = group.Spec;
        var data = RandomData.Windows(new Random(group.Units * 101 + group.TimeSteps * 7 + group.Members), spec, group.Windows);
        // Learning rates from 0.001 to 0.02 and several seeds: members differ in both weights and shuffles.
        var members = Enumerable.Range(0, group.Members).Select(i => new GroupMember(i + 1, 0.001f * (1 + 19 * (i % 3) / 2))).ToArray();
        return (spec, data, members, new TrainingOptions { Epochs = 2, BatchSize = group.BatchSize });
    }
}
