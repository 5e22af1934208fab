namespace GpuRnn.Training.Engines;

/// <summary>
/// The names users type and read for each engine, in one place: <c>--accelerator</c> values, engine names in
/// reports, and the old spellings that keep working. <c>simd</c> is the multi-threaded vector CPU engine (once
/// <c>fast</c>); <c>ilgpu-cpu</c> is ILGPU's CPU accelerator, a simulator for checking kernels (once <c>cpu</c>).
/// </summary>
public static class EngineNames
{
    static readonly (string Name, EngineKind Kind, string Meaning)[] Engines =
    [
        ("auto", EngineKind.Auto, "CUDA, else an OpenCL GPU, else simd"),
        ("cuda", EngineKind.Cuda, "the ILGPU kernels on a CUDA GPU"),
        ("opencl", EngineKind.OpenCL, "the ILGPU kernels on an OpenCL 2.0+ GPU"),
        ("simd", EngineKind.Simd, "the multi-threaded SIMD CPU engine"),
        ("ilgpu-cpu", EngineKind.IlgpuCpu, "ILGPU's CPU accelerator: a simulator for checking kernels, not for speed"),
        ("scalar", EngineKind.Scalar, "the single-threaded reference engine"),
    ];

    /// <summary>Old spellings, still accepted: scripts depend on them.</summary>
    public static readonly IReadOnlyDictionary<string, string> Aliases = new Dictionary<string, string> { ["fast"] = "simd", ["cpu"] = "ilgpu-cpu" };

    public static IEnumerable<string> All => Engines.Select(e => e.Name);

    public static string Of(EngineKind kind) => Engines.First(e => e.Kind == kind).Name;

    public static string Meaning(EngineKind kind) => Engines.First(e => e.Kind == kind).Meaning;

    /// <summary>The engine a name (in any case, or an alias) means; null when it means none.</summary>
    public static EngineKind? Parse(string text)
    {
        string name = text.Trim().ToLowerInvariant();
        if (Aliases.TryGetValue(name, out var canonical)) name = canonical;
        foreach (var e in Engines) if (e.Name == name) return e.Kind;
        return null;
    }

    /// <summary>For help and errors: "auto, cuda, opencl, simd, ilgpu-cpu, scalar (fast and cpu are old names for simd and ilgpu-cpu)".</summary>
    public static string Choices =>
        $"{string.Join(", ", All)} ({string.Join(" and ", Aliases.Keys)} are old names for {string.Join(" and ", Aliases.Values)})";
}
