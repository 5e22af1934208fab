using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using GpuRnn.Training.Engines;

namespace GpuRnn.Bench;

/// <summary>Windows per second, or GFLOP/s from <see cref="FlopCount"/>, derived from a case's mean time per epoch.</summary>
public sealed class ThroughputColumn(bool gigaflops) : IColumn
{
    public string Id => gigaflops ? "GpuRnn.GFlops" : "GpuRnn.WindowsPerSecond";
    public string ColumnName => gigaflops ? "GFLOP/s" : "Windows/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => gigaflops ? 1 : 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => gigaflops ? "FLOPs per window (FlopCount) × windows/s / 1e9" : "training windows processed per second";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is null) return "-";
        var kind = (EngineKind)benchmarkCase.Parameters["Engine"];
        var workload = Workloads.Get((string)benchmarkCase.Parameters["Workload"]);
        bool quick = benchmarkCase.Job.Environment.EnvironmentVariables?.Any(v => v.Key == TrainingBenchmarks.QuickVariable) == true;
        double windowsPerSecond = workload.WindowsFor(kind, quick) / (report.ResultStatistics.Median * 1e-9);
        if (!gigaflops) return windowsPerSecond.ToString("N0");
        long flops = benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(TrainingBenchmarks.ForwardOnly)
            ? FlopCount.Forward(workload.Spec) : FlopCount.Training(workload.Spec);
        return (windowsPerSecond * flops / 1e9).ToString("F2");
    }
}
