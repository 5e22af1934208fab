using BenchmarkDotNet.Attributes;
using GpuRnn.Training.Engines;

namespace GpuRnn.Bench;

/// <summary>
/// BenchmarkDotNet suite: one training epoch and the forward pass alone, for every available engine × workload.
/// The windows/s and GFLOP/s columns (<see cref="ThroughputColumn"/>) turn the per-epoch time into rates.
/// </summary>
public class TrainingBenchmarks
{
    /// <summary>Set in the environment by quick mode (BenchmarkDotNet runs each case in a child process).</summary>
    public const string QuickVariable = "GPURNN_BENCH_QUICK";

    EngineSession? session;

    [ParamsSource(nameof(Engines))]
    public EngineKind Engine { get; set; }

    [ParamsSource(nameof(WorkloadNames))]
    public string Workload { get; set; } = "tutorial";

    public static IEnumerable<EngineKind> Engines => EngineCatalog.Available();

    public static IEnumerable<string> WorkloadNames => Workloads.All.Select(w => w.Name);

    public static bool Quick => Environment.GetEnvironmentVariable(QuickVariable) == "1";

    [GlobalSetup]
    public void Setup() => session = new EngineSession(Engine, Workloads.Get(Workload), Quick);

    [GlobalCleanup]
    public void Cleanup() => session?.Dispose();

    [Benchmark]
    public void TrainingEpoch() => session!.Epoch();

    [Benchmark]
    public void ForwardOnly() => session!.ForwardPass();
}
