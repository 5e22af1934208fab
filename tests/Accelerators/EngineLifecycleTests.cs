using System.Diagnostics;
using GpuRnn.Training.Engines.Ilgpu;
using ILGPU.Runtime.Cuda;

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
    /// accelerator's worker threads. 20 cycles (5 to warm up, 15 measured); each bound sits between what a clean cycle
    /// costs and what an engine left open costs, so one leak per cycle fails it.
    /// </summary>
    [Fact]
    public void Creating_training_and_disposing_engines_20_times_leaks_neither_memory_nor_threads()
    {
        if (!IlgpuDevices.Has(Kind)) Assert.Skip(IlgpuDevices.WhyNone(Kind));
        const int warmUp = 5, measured = 15;
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
        // Device memory is readable on CUDA only (cuMemGetInfo, device-wide): through an accelerator kept open for it.
        using var watcher = Kind == EngineKind.Cuda ? IlgpuAccelerator.Open(Kind) : null;
        long? FreeDeviceMemory() => (watcher?.Accelerator as CudaAccelerator)?.GetFreeMemory();

        for (int i = 0; i < warmUp; i++) Cycle(); // JIT, the shared context's IR of the kernels, the thread pool
        var (managed, workingSet, threads) = Measure();
        var free = FreeDeviceMemory();
        for (int i = 0; i < measured; i++) Cycle();
        var (managedAfter, workingSetAfter, threadsAfter) = Measure();
        var freeAfter = FreeDeviceMemory();

        // Measured on the CPU accelerator: a clean cycle adds ~5.5 KiB (ILGPU's IR cache in the shared context, kept
        // for the process), an engine left open ~70 KiB: 32 KiB a cycle lies between.
        Assert.True(managedAfter - managed < measured * (32 << 10), $"managed memory grew by {(managedAfter - managed) >> 10} KiB over {measured} engines");
        // A CUDA context left open holds host memory in the driver; samples here wander by ±10 MiB.
        Assert.True(workingSetAfter - workingSet < 48 << 20, $"working set grew by {(workingSetAfter - workingSet) >> 20} MiB over {measured} engines");
        // An accelerator that kept its worker threads would add at least one per cycle (the CPU accelerator: 17); the
        // runtime's own pools wander by a few (measured: 15 → 18 over the first 30 cycles, then flat).
        Assert.True(threadsAfter - threads <= 10, $"threads grew from {threads} to {threadsAfter} over {measured} engines");
        // Each engine has its own CUDA context, whose reservation alone is far above this bound were it left open.
        if (free is { } before && freeAfter is { } after)
            Assert.True(before - after < 64 << 20, $"free device memory fell by {(before - after) >> 20} MiB over {measured} engines");
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
