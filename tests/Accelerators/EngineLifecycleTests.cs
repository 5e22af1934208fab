using System.Diagnostics;
using GpuRnn.Training.Engines.Ilgpu;

namespace GpuRnn.Tests.Accelerators;

/// <summary>Runs alone: thread counts and the working set mean nothing while other tests run beside it.</summary>
[CollectionDefinition(nameof(EngineLifecycle), DisableParallelization = true)]
public sealed class EngineLifecycle;

/// <summary>
/// The engine's resources come back when it is disposed; one body, a thin class per accelerator kind (each engine
/// opens and closes its own device here, so these do not share their kind's collection device).
/// </summary>
public abstract class EngineLifecycleTests(EngineKind kind)
{
    protected EngineKind Kind => kind;

    /// <summary>
    /// Creating, training and disposing an engine many times must not leak device memory, managed memory or the
    /// accelerator's worker threads. Bounds are generous: the point is growth per cycle, not the exact size.
    /// </summary>
    [Fact]
    public void Creating_training_and_disposing_engines_200_times_leaks_neither_memory_nor_threads()
    {
        if (!IlgpuDevices.Has(Kind)) Assert.Skip(IlgpuDevices.WhyNone(Kind));
        var spec = new ModelSpec(1, [2], 1, Activation.Tanh, Activation.Tanh, 3);
        var rng = new Random(11);
        var data = RandomData.Windows(rng, spec, 8);
        var parameters = RandomData.Parameters(rng, spec.Layout(), 0.5);
        var options = new TrainingOptions { Epochs = 1, BatchSize = 4 };
        void Cycle()
        {
            using var engine = EngineFactory.Create(Kind, spec);
            engine.SetParameters(parameters);
            Trainer.Fit(engine, data, options);
            Assert.Equal(8, engine.Predict(data).Length);
        }
        for (int i = 0; i < 10; i++) Cycle(); // warm up JIT, ILGPU's static caches and the thread pool
        var (managed, workingSet, threads) = Measure();
        for (int i = 10; i < 200; i++) Cycle();
        var (managedAfter, workingSetAfter, threadsAfter) = Measure();
        Assert.True(managedAfter - managed < 8 << 20, $"managed memory grew by {(managedAfter - managed) >> 10} KiB over 190 engines");
        Assert.True(workingSetAfter - workingSet < 256 << 20, $"working set grew by {(workingSetAfter - workingSet) >> 20} MiB over 190 engines");
        // An accelerator that kept its worker threads would add at least one per cycle (190); the runtime's own
        // pools wander by a few (measured: 15 → 18 and flat from cycle 30 on).
        Assert.True(threadsAfter - threads <= 10, $"threads grew from {threads} to {threadsAfter} over 190 engines");
    }

    static (long Managed, long WorkingSet, int Threads) Measure()
    {
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        long managed = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return (managed, process.WorkingSet64, process.Threads.Count);
    }
}

[Collection(nameof(EngineLifecycle))] public sealed class CpuEngineLifecycleTests() : EngineLifecycleTests(EngineKind.IlgpuCpu);
[Collection(nameof(EngineLifecycle))] public sealed class CudaEngineLifecycleTests() : EngineLifecycleTests(EngineKind.Cuda);
[Collection(nameof(EngineLifecycle))] public sealed class OpenClEngineLifecycleTests() : EngineLifecycleTests(EngineKind.OpenCL);
