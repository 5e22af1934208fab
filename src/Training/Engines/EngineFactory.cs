using GpuRnn.Training.Engines.FastCpu;
using GpuRnn.Training.Engines.Ilgpu;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Engines;

/// <summary>Creates the engine a user asked for, or says clearly why it cannot: the one place <c>auto</c> is decided.</summary>
public static class EngineFactory
{
    /// <summary>
    /// Starts compiling, on a worker thread, what the SIMD engine will run for batches of <paramref name="batchSize"/>,
    /// while the caller reads its data: engine set-up then finds it done (or waits for the rest). The tutorial's
    /// process: pairwise wall ratio 0.949 (`farm-bench -n 14`), its engine set-up 70 → 13 ms. Compiling the initial
    /// weights' vector code there too (before the engine's) was 3% slower: the main thread then waited for it.
    /// </summary>
    public static Task CompileAhead(int batchSize) => Task.Run(() =>
    {
        try
        {
            FastCpu.FastCpuEngine.CompileFor(batchSize);
        }
        catch (Exception)
        {
            // Only a head start: the engine's own set-up compiles whatever this did not.
        }
    });

    /// <summary>An engine of <paramref name="kind"/> training <paramref name="models"/> models of <paramref name="spec"/> together.</summary>
    /// <param name="work">The job's size, which <c>auto</c> weighs (null: a GPU wherever there is one).</param>
    public static IRnnEngine Create(EngineKind kind, ModelSpec spec, int models = 1, TrainingWork? work = null)
    {
        if (models < 1) throw new ArgumentOutOfRangeException(nameof(models), "at least one model");
        var resolved = Resolve(kind, work);
        // An ILGPU engine trains all its models in the same launches on one accelerator.
        if (resolved is EngineKind.IlgpuCpu or EngineKind.Cuda or EngineKind.OpenCL) return IlgpuEngine.Create(resolved, spec, models);
        if (models == 1) return CreateOne(resolved, spec);
        if (resolved == EngineKind.Simd && spec.Layers == 1) return new ModelLanesEngine(spec, models);
        var engines = new List<IRnnEngine>(models);
        try
        {
            for (int m = 0; m < models; m++) engines.Add(CreateOne(resolved, spec));
            return new SeparateModels(engines);
        }
        catch
        {
            foreach (var e in engines) e.Dispose();
            throw;
        }
    }

    /// <summary>What <paramref name="kind"/> runs on for a job of this size: <see cref="EnginePolicy.Choose"/>.</summary>
    public static EngineKind Resolve(EngineKind kind, TrainingWork? work = null) => EnginePolicy.Choose(kind, work);

    /// <summary>Throws the one-line reason when <paramref name="kind"/> cannot be created here; cheap, for failing before any output.</summary>
    public static void EnsureAvailable(EngineKind kind)
    {
        if (kind is EngineKind.Cuda or EngineKind.OpenCL && !IlgpuDevices.Has(kind))
            throw new GpuRnnInputException(IlgpuDevices.WhyNone(kind));
    }

    static IRnnEngine CreateOne(EngineKind kind, ModelSpec spec) => kind switch
    {
        EngineKind.Scalar => new ScalarEngine<float>(spec),
        EngineKind.Simd => new FastCpuEngine(spec),
        _ => throw new GpuRnnInputException($"unknown engine kind {kind}"),
    };
}

/// <summary>
/// Makes engines of one kind for many shapes (a sweep's): on an ILGPU accelerator they share one opened device, so
/// its kernels compile once; other kinds are made as <see cref="EngineFactory.Create"/> makes them.
/// </summary>
public sealed class EngineMaker : IDisposable
{
    readonly IlgpuAccelerator? device;

    /// <exception cref="GpuRnnInputException">The kind's device is absent; the message says why.</exception>
    /// <param name="work">The whole job's size, which <c>auto</c> weighs.</param>
    public EngineMaker(EngineKind kind, TrainingWork? work = null)
    {
        Kind = EngineFactory.Resolve(kind, work);
        if (Kind is EngineKind.IlgpuCpu or EngineKind.Cuda or EngineKind.OpenCL) device = IlgpuAccelerator.Open(Kind);
    }

    public EngineKind Kind { get; }

    public IRnnEngine Create(ModelSpec spec, int models = 1) =>
        device is null ? EngineFactory.Create(Kind, spec, models) : IlgpuEngine.Create(device, spec, models);

    public void Dispose() => device?.Dispose();
}
