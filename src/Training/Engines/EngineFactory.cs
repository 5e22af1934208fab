using GpuRnn.Training.Model;

namespace GpuRnn.Training.Engines;

/// <summary>Creates the engine a user asked for, or says clearly why it cannot.</summary>
public static class EngineFactory
{
    public static IRnnEngine Create(EngineKind kind, ModelSpec spec) => kind switch
    {
        EngineKind.Auto or EngineKind.Scalar => new ScalarEngine<float>(spec),
        EngineKind.Fast => new FastCpuEngine(spec),
        _ => throw new GpuRnnInputException($"the {kind.ToString().ToLowerInvariant()} accelerator is not available in this build"),
    };
}
