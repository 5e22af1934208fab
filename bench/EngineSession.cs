using GpuRnn.Training;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Data;

namespace GpuRnn.Bench;

/// <summary>
/// One engine prepared for one workload: created, data uploaded, weights set, order fixed — all outside the timed
/// region. <see cref="Epoch"/> and <see cref="ForwardPass"/> are exactly the work that is timed.
/// </summary>
public sealed class EngineSession : IDisposable
{
    readonly IRnnEngine engine;
    readonly AdamSchedule adam = new(new AdamOptions());
    readonly WindowSet data;

    public EngineSession(EngineKind kind, Workload workload, bool quick)
    {
        Workload = workload;
        data = workload.Data(workload.WindowsFor(kind, quick));
        Windows = data.Count;
        engine = EngineFactory.Create(kind, workload.Spec);
        engine.SetTrainingData(data);
        engine.SetParameters(workload.InitialParameters());
        var order = Enumerable.Range(0, Windows).ToArray();
        new Random(3).Shuffle(order);
        engine.SetOrder(order);
    }

    public Workload Workload { get; }
    public int Windows { get; }
    public string EngineName => engine.Name;

    /// <summary>One training epoch exactly as the trainer runs it (<see cref="Trainer.RunEpoch"/>).</summary>
    public void Epoch()
    {
        Trainer.RunEpoch(engine, Windows, Workload.BatchSize, adam);
        engine.TakeLossSum();
    }

    /// <summary>
    /// Inference over every window (<see cref="IRnnEngine.Predict"/>), as PyTorch's forward under <c>no_grad</c>. Not
    /// the engines' training <c>Forward</c>: the ILGPU engine's runs BPTT in the same launch, which an H200 run showed
    /// as a "forward" rate equal to training's.
    /// </summary>
    public void ForwardPass() => _ = engine.Predict(data);

    public void Dispose() => engine.Dispose();
}
