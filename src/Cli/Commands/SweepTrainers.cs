using GpuRnn.Training.Engines;
using GpuRnn.Training.Engines.Ilgpu;
using GpuRnn.Training.Sweep;

namespace GpuRnn.Cli.Commands;

/// <summary>
/// The group trainer <c>sweep --accelerator</c> asks for and the baselines it is timed against: the same engine
/// one model at a time, then the scalar engine one model at a time. An ILGPU accelerator (cuda, opencl, cpu, or
/// auto with a GPU) trains one model at a time on that accelerator (until the sweep trains through an engine of
/// several models); simd and auto without a GPU with the lane
/// trainer; scalar with the scalar engine, one model at a time. Owns the accelerators it creates.
/// </summary>
sealed class SweepTrainers : IDisposable
{
    readonly List<IDisposable> owned = [];

    /// <exception cref="Training.GpuRnnInputException">The asked accelerator is absent; the message says why, in one line.</exception>
    public SweepTrainers(EngineKind asked, bool withBaselines)
    {
        EngineFactory.EnsureAvailable(asked);
        var kind = EngineFactory.Resolve(asked);
        try
        {
            if (kind is EngineKind.Cpu or EngineKind.Cuda or EngineKind.OpenCL)
            {
                Together = new SequentialGroupTrainer(kind);
                Baselines = withBaselines ? [new SequentialGroupTrainer(EngineKind.Scalar)] : [];
            }
            else if (kind == EngineKind.Scalar) // the reference, as asked: one model at a time, nothing to compare with
            {
                Together = new SequentialGroupTrainer(EngineKind.Scalar);
                Baselines = [];
            }
            else
            {
                Together = new LaneGroupTrainer();
                Baselines = withBaselines ? [new LaneGroupTrainer(together: false), new SequentialGroupTrainer(EngineKind.Scalar)] : [];
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Trains each group's models at once.</summary>
    public IGroupTrainer Together { get; }

    /// <summary>The same grid one model at a time: on the same engine first, then on the scalar engine (none when not asked for).</summary>
    public IReadOnlyList<IGroupTrainer> Baselines { get; }

    T Own<T>(T trainer) where T : IDisposable
    {
        owned.Add(trainer);
        return trainer;
    }

    public void Dispose()
    {
        foreach (var trainer in owned) trainer.Dispose();
        owned.Clear();
    }
}
