using GpuRnn.Training;
using GpuRnn.Training.Engines;

namespace GpuRnn.Bench;

/// <summary>
/// One engine prepared for one workload: created, data uploaded, weights set, order fixed — all outside the timed
/// region. <see cref="Epoch"/> and <see cref="ForwardPass"/> are exactly the work that is timed.
/// </summary>
public sealed class EngineSession : IDisposable
{
    readonly IRnnEngine engine;
    readonly AdamSchedule adam = new(new AdamOptions());

    public EngineSession(EngineKind kind, Workload workload, bool quick)
    {
        Workload = workload;
        var data = workload.Data(workload.WindowsFor(kind, quick));
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

    /// <summary>The forward pass alone over every batch of the epoch (with the loss, without BPTT).</summary>
    public void ForwardPass()
    {
        int batch = Workload.BatchSize;
        for (int start = 0; start < Windows; start += batch) engine.Forward(start, Math.Min(batch, Windows - start));
        engine.TakeLossSum();
    }

    public void Dispose() => engine.Dispose();
}
