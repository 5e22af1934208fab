using GpuRnn.Training.Data;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Sweep;

/// <summary>
/// Many models at once on the CPU: each core trains its own models, one engine each. Every model is trained exactly as
/// alone (an engine's results do not depend on what else runs), so the results equal the sequential ones bit for bit.
/// </summary>
public sealed class ParallelGroupTrainer(EngineKind kind) : IGroupTrainer
{
    public string Name => $"{kind.ToString().ToLowerInvariant()}, {Environment.ProcessorCount} models at a time on {Environment.ProcessorCount} cores";

    public IReadOnlyList<float[]> Train(ModelSpec spec, WindowSet train, IReadOnlyList<GroupMember> members, TrainingOptions common)
    {
        var result = new float[members.Count][];
        var single = new SequentialGroupTrainer(kind);
        Parallel.For(0, members.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => result[i] = single.Train(spec, train, [members[i]], common)[0]);
        return result;
    }
}
