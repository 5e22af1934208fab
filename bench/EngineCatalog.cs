using GpuRnn.Training;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Model;

namespace GpuRnn.Bench;

/// <summary>
/// Every engine kind this build and machine can create: each kind but Auto is tried through the factory, and a
/// kind whose accelerator is absent (the factory throws <see cref="GpuRnnInputException"/>) is left out, so new
/// engines appear here without touching the benchmarks. <c>--engines LIST</c> narrows it to the kinds named.
/// </summary>
public static class EngineCatalog
{
    /// <summary>The kinds <c>--engines</c> asked for (null: every available kind); set once, before any benchmark.</summary>
    public static IReadOnlyList<EngineKind>? Only { get; set; }

    public static IReadOnlyList<EngineKind> Available()
    {
        var kinds = new List<EngineKind>();
        foreach (var kind in Enum.GetValues<EngineKind>().Distinct()) // old names share their values
        {
            if (kind == EngineKind.Auto || (Only is not null && !Only.Contains(kind))) continue;
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

    /// <summary>
    /// Reads <c>--engines</c> (comma-separated engine names as <see cref="EngineNames"/> spells them, old names
    /// too) into <see cref="Only"/>. False, with one line for stderr, for a name that means no engine, for
    /// <c>auto</c> (it is not an engine of its own) and for an engine this machine cannot create.
    /// </summary>
    public static bool TrySelect(string[] args, out string? error)
    {
        error = null;
        int i = Array.IndexOf(args, "--engines");
        if (i < 0) return true;
        if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            error = $"--engines needs a comma-separated list: {string.Join(", ", EngineNames.All.Where(n => n != "auto"))}";
            return false;
        }
        var kinds = new List<EngineKind>();
        foreach (var name in args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kind = EngineNames.Parse(name);
            if (kind is null or EngineKind.Auto)
            {
                error = $"--engines: unknown engine '{name}' (engines: {string.Join(", ", EngineNames.All.Where(n => n != "auto"))})";
                return false;
            }
            if (!kinds.Contains(kind.Value)) kinds.Add(kind.Value);
        }
        if (kinds.Count == 0)
        {
            error = "--engines: the list is empty";
            return false;
        }
        Only = kinds;
        var missing = kinds.Except(Available()).ToList();
        if (missing.Count > 0)
        {
            error = $"--engines: {string.Join(", ", missing.Select(EngineNames.Of))} not available on this machine";
            Only = null;
            return false;
        }
        return true;
    }

    /// <summary>The arguments without <c>--engines LIST</c> (for BenchmarkDotNet, which would not know it).</summary>
    public static string[] WithoutOption(string[] args)
    {
        int i = Array.IndexOf(args, "--engines");
        return i < 0 ? args : [.. args.Take(i), .. args.Skip(i + 2)];
    }
}
