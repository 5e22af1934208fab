using GpuRnn.Training;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Model;

namespace GpuRnn.Bench;

/// <summary>
/// Every engine kind this build and machine can create: each kind but Auto is tried through the factory, and a
/// kind whose accelerator is absent (the factory throws <see cref="GpuRnnInputException"/>) is left out, so new
/// engines appear here without touching the benchmarks.
/// </summary>
public static class EngineCatalog
{
    public static IReadOnlyList<EngineKind> Available()
    {
        var kinds = new List<EngineKind>();
        foreach (var kind in Enum.GetValues<EngineKind>().Distinct()) // old names share their values
        {
            if (kind == EngineKind.Auto) continue;
            try
            {
                using var engine = EngineFactory.Create(kind, ModelSpec.Tutorial);
                kinds.Add(kind);
            }
            catch (GpuRnnInputException) { }
        }
        return kinds;
    }

    public static string Name(EngineKind kind)
    {
        using var engine = EngineFactory.Create(kind, ModelSpec.Tutorial);
        return engine.Name;
    }
}
