using GpuRnn.Training.Engines.FastCpu;
using GpuRnn.Training.Engines.Ilgpu;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Engines;

/// <summary>Creates the engine a user asked for, or says clearly why it cannot.</summary>
public static class EngineFactory
{
    public static IRnnEngine Create(EngineKind kind, ModelSpec spec) => kind switch
    {
        EngineKind.Scalar => new ScalarEngine<float>(spec),
        EngineKind.Fast => new FastCpuEngine(spec),
        EngineKind.Cpu or EngineKind.Cuda or EngineKind.OpenCL => IlgpuEngine.Create(kind, spec),
        EngineKind.Auto => IlgpuDevices.BestGpu() is { } gpu ? IlgpuEngine.Create(gpu, spec) : CreateAutoCpuChoice(spec),
        _ => throw new GpuRnnInputException($"unknown engine kind {kind}"),
    };

    /// <summary>Throws the one-line reason when <paramref name="kind"/> cannot be created here; cheap, for failing before any output.</summary>
    public static void EnsureAvailable(EngineKind kind)
    {
        if (kind is EngineKind.Cuda or EngineKind.OpenCL && !IlgpuDevices.Has(kind))
            throw new GpuRnnInputException(IlgpuDevices.WhyNone(kind));
    }

    /// <summary>
    /// What <c>auto</c> trains on without a GPU: the fast CPU engine (multi-threaded, vectorised). ILGPU's CPU
    /// accelerator is a simulator for correctness, far slower than either CPU engine.
    /// </summary>
    static IRnnEngine CreateAutoCpuChoice(ModelSpec spec) => new FastCpuEngine(spec);
}
