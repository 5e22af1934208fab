using GpuRnn.Training.Data;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Sweep;

/// <summary>The baseline a sweep is compared with: each model trained alone, one after another, on one engine kind.</summary>
public sealed class SequentialGroupTrainer(EngineKind kind) : IGroupTrainer
{
    public string Name => $"{EngineNames.Of(kind)}, one model at a time";

    public bool TrainsGroupsConcurrently => false;

    public IReadOnlyList<float[]> Train(ModelSpec spec, WindowSet train, IReadOnlyList<GroupMember> members, TrainingOptions common)
    {
        var result = new List<float[]>(members.Count);
        foreach (var member in members)
        {
            using var engine = EngineFactory.Create(kind, spec);
            engine.SetParameters(Initializers.KerasDefaults(engine.Layout, member.Seed));
            Trainer.Fit(engine, train, common with { Seed = member.Seed, Adam = common.Adam with { LearningRate = member.LearningRate } });
            result.Add(engine.GetParameters());
        }
        return result;
    }
}
