using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using GpuRnn.Bench;

// Modes (see docs/performance.md):
//   dotnet run -c Release --project bench                       BenchmarkDotNet, every engine × workload (~10 min)
//   dotnet run -c Release --project bench -- --full             the same with BenchmarkDotNet's own adaptive job (45–90 min)
//   dotnet run -c Release --project bench -- --quick            the same with a short job and fewer windows
//   dotnet run -c Release --project bench -- --table [--quick] [--peer torch.json] [--json out.json]
//                                                              Stopwatch medians, one Markdown table
//   dotnet run -c Release --project bench -- --init [--hidden 4096] [--runs 5]
//                                                              Stopwatch medians of the initial weights' draw
//   dotnet run -c Release --project bench -- --peak           the FMA peak of this machine (PeakFlops)
//   dotnet run -c Release --project bench -- --kernels [--quick] [--only w2]
//                                                              every ILGPU kernel variant on every accelerator here:
//                                                              validated against the scalar engine, then timed
//   dotnet run -c Release --project bench -- --many [--series 10000] [--sample 300]
//                                                              one model per series: trained together against one at a time
//   dotnet run -c Release --project bench -- --plan           what the ILGPU engine launches per workload on an H200
//   dotnet run -c Release --project bench -- --ptx DIR        every kernel as PTX for sm_90 (PtxExport), no GPU needed;
//                                                              bench/ptxas-report.sh turns them into registers, spills, SASS
// --engines scalar,simd,... times only those engines (BenchmarkDotNet and --table).
if (args.Contains("--peak"))
{
    return PeakFlops.RunAlone();
}
if (args.Contains("--kernels"))
{
    return KernelHarness.Run(args);
}
if (args.Contains("--many"))
{
    return ManyMode.Run(args);
}
if (args.Contains("--plan"))
{
    return PlanMode.Run();
}
if (args.Contains("--ptx"))
{
    return PtxExport.Run(args);
}
if (!EngineCatalog.TrySelect(args, out var engineError))
{
    Console.Error.WriteLine(engineError);
    return 2;
}
args = EngineCatalog.WithoutOption(args);
if (args.Contains("--table"))
{
    return TableMode.Run(args);
}
if (args.Contains("--init"))
{
    return InitMode.Run(args);
}

// BenchmarkDotNet with its defaults but the console: one line per benchmark and the summary (ProgressLogger).
var defaults = DefaultConfig.Instance;
var config = ManualConfig.CreateEmpty()
    .AddColumnProvider([.. defaults.GetColumnProviders()])
    .AddExporter([.. defaults.GetExporters()])
    .AddAnalyser([.. defaults.GetAnalysers()])
    .AddValidator([.. defaults.GetValidators()])
    .AddLogger(new ProgressLogger())
    .WithBuildTimeout(TimeSpan.FromMinutes(10)) // building the benchmark process on a loaded 2-core machine passed the 2-minute default
    .AddColumn(new ThroughputColumn(gigaflops: false), new ThroughputColumn(gigaflops: true));
if (args.Contains("--quick"))
{
    Environment.SetEnvironmentVariable(TrainingBenchmarks.QuickVariable, "1");
    config = config.AddJob(Job.ShortRun.WithEnvironmentVariables(new EnvironmentVariable(TrainingBenchmarks.QuickVariable, "1"))
        .WithWarmupCount(1).WithIterationCount(3).WithLaunchCount(1));
}
else if (!args.Contains("--full"))
{
    // The default run, sized to finish in about 10 minutes on 2 cores: one process per case, 2 warm-up and 7
    // measured iterations (BenchmarkDotNet's own default keeps iterating until the error is small: 45–90 minutes
    // here; it stays behind --full).
    config = config.AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(7));
}
args = [.. args.Where(a => a is not "--quick" and not "--full")];
BenchmarkSwitcher.FromAssembly(typeof(TrainingBenchmarks).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
return 0;
