using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GpuRnn.Training;
using GpuRnn.Training.Engines;

namespace GpuRnn.Bench;

/// <summary>
/// Plain Stopwatch timing for docs: every available engine (or those <c>--engines</c> names) × workload, medians
/// of whole epochs after a warm-up epoch, printed as one Markdown table of windows/s, GFLOP/s, % of the FMA peak
/// measured at startup (<see cref="PeakFlops"/>) and ratios (to the scalar engine and, when PyTorch result files
/// are given with <c>--peer</c>, to PyTorch's best thread count).
/// <para>
/// Best with best, for bench/compare.sh: <c>--json FILE</c> writes this run's rates and peak; <c>--best-of FILE</c>
/// (repeatable) folds earlier runs' files into the table, and <c>--peer</c> may be repeated too; every rate shown
/// is then the fastest of the runs' medians (min time per epoch), each side alike. <c>--no-extras</c> skips the
/// tutorial Trainer.Fit and models-together tables (a run only there for its rates).
/// </para>
/// </summary>
public static class TableMode
{
    sealed record Row(string Workload, string Engine, int Windows, double TrainPerSecond, double ForwardPerSecond);

    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick"), extras = !args.Contains("--no-extras");
        string? jsonPath = Option(args, "--json");
        var only = Option(args, "--only")?.Split(',');
        // Files first, so a wrong path fails before minutes of timing.
        var peerPaths = Options(args, "--peer");
        var peer = peerPaths.Count == 0 ? null : PeerResults.Load(peerPaths);
        var earlier = Options(args, "--best-of").Select(OurRun.Load).ToList();

        var measured = PeakFlops.Measure(); // before any engine wakes the thread pool
        Console.Error.WriteLine($"  {measured.Summary()}");
        // The highest peak measured by this run or the earlier ones, so that % of peak never flatters a run that
        // shared the machine.
        var peak = measured with
        {
            Widths = [.. measured.Widths.Select(w => w with
            {
                GigaflopsPerSecond = earlier.SelectMany(e => e.Peak.Widths).Where(e => e.Bits == w.Bits && e.Accelerated)
                    .Select(e => e.GigaflopsPerSecond).Append(w.GigaflopsPerSecond).Max(),
            })],
        };
        var denominator = peak.Best;
        var kinds = EngineCatalog.Available();
        var output = new StringBuilder();
        output.AppendLine($"Engines: {string.Join(", ", kinds.Select(EngineCatalog.Name))}; {Environment.ProcessorCount} logical CPUs; "
            + $"{(quick ? "quick" : "full")} mode.");
        output.AppendLine(PeakFlops.VectorLine() + ".");
        output.AppendLine(peak.Summary() + (earlier.Count > 0 ? $" (the highest of {earlier.Count + 1} runs)" : "") + "; "
            + (denominator is null ? "no % of peak." : string.Create(CultureInfo.InvariantCulture,
                $"% of peak below is against {denominator.Name}, {denominator.GigaflopsPerSecond:F1} GFLOP/s (CPU engines only).")));
        if (peer is not null) output.AppendLine(peer.Describe());
        if (earlier.Count > 0 || peer?.Runs > 1)
            output.AppendLine($"Best with best: the engines' rates are the best of {earlier.Count + 1} run(s), PyTorch's the best of "
                + $"{peer?.Runs ?? 0} run(s) × its thread counts; each rate is the fastest of the runs' medians (min time per epoch)"
                + (earlier.Count > 0 && peer?.Runs > 1 ? "; bench/compare.sh runs the two sides interleaved (PyTorch, engines, PyTorch, engines)." : "."));
        output.AppendLine();
        if (extras) TutorialFit(kinds, output);

        var rows = new List<Row>();
        foreach (var workload in Workloads.All.Where(w => only is null || only.Contains(w.Name)))
            foreach (var kind in kinds)
            {
                using var session = new EngineSession(kind, workload, quick);
                int repeats = workload.Name == "tutorial" ? 25 : quick ? 3 : 5;
                session.Epoch(); // warm-up: JIT, first-touch of buffers
                double train = Median(repeats, session.Epoch);
                session.ForwardPass();
                double forward = Median(repeats, session.ForwardPass);
                rows.Add(new Row(workload.Name, session.EngineName, session.Windows, session.Windows / train, session.Windows / forward));
                Console.Error.WriteLine($"  {workload.Name} {session.EngineName}: {session.Windows / train:N0} windows/s");
            }
        if (jsonPath is not null) OurRun.Save(jsonPath, measured, rows);

        // Last: its many engines (and the thread pool they wake) must not disturb the single-engine timings above.
        var models = new StringBuilder();
        if (extras) ModelsTogether(kinds, quick, models);

        // Best with best: the fastest of this run's and the earlier runs' medians, per workload × engine.
        rows = Best([rows, .. earlier.Select(e => e.Rows)]);

        output.AppendLine("| workload | engine | windows timed | train windows/s | train GFLOP/s | train % of peak | forward windows/s | forward GFLOP/s | "
            + "forward % of peak | × scalar (train) |" + (peer is null ? "" : " × PyTorch (train) | × PyTorch (forward) |"));
        output.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|" + (peer is null ? "" : "--:|--:|"));
        foreach (var group in rows.GroupBy(r => r.Workload))
        {
            var spec = Workloads.Get(group.Key).Spec;
            var scalar = group.FirstOrDefault(r => r.Engine == "scalar");
            var best = peer?.Best(group.Key);
            string Cells(double train, double forward, bool cpu)
            {
                double trainGflops = train * FlopCount.Training(spec) / 1e9, forwardGflops = forward * FlopCount.Forward(spec) / 1e9;
                return string.Create(CultureInfo.InvariantCulture, $"{train:N0} | {trainGflops:F2} | {Percent(trainGflops, cpu, denominator)} | ")
                    + string.Create(CultureInfo.InvariantCulture, $"{forward:N0} | {forwardGflops:F2} | {Percent(forwardGflops, cpu, denominator)} | ")
                    + (scalar is null ? "-" : (train / scalar.TrainPerSecond).ToString("F1", CultureInfo.InvariantCulture)) + " |";
            }
            foreach (var r in group)
            {
                bool cpu = EngineNames.Parse(r.Engine) is not (EngineKind.Cuda or EngineKind.OpenCL);
                output.Append(CultureInfo.InvariantCulture, $"| {group.Key} | {r.Engine} | {r.Windows:N0} | {Cells(r.TrainPerSecond, r.ForwardPerSecond, cpu)}");
                if (peer is not null)
                    output.Append(best is null ? " - | - |" : $" {Ratio(r.TrainPerSecond, best.Train)} | {Ratio(r.ForwardPerSecond, best.Forward)} |");
                output.AppendLine();
            }
            if (best is not null)
                output.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key} | PyTorch {peer!.Version} ({best.ThreadsText}) | {best.Windows:N0} | "
                    + $"{Cells(best.Train, best.Forward, peer.OnCpu)} 1.0 | 1.0 |");
        }
        output.AppendLine();
        output.Append(models);
        output.AppendLine("FLOPs per window (FlopCount: 2 per multiply–add, forward / training): "
            + string.Join("; ", Workloads.All.Select(w => $"{w.Name} {FlopCount.Forward(w.Spec):N0} / {FlopCount.Training(w.Spec):N0}")));
        Console.WriteLine(output);
        return 0;
    }

    /// <summary>Per workload × engine, the fastest training and forward rates of all runs (each side alike).</summary>
    static List<Row> Best(IEnumerable<IReadOnlyList<Row>> runs) =>
        [.. runs.SelectMany(run => run)
            .GroupBy(r => (r.Workload, r.Engine))
            .OrderBy(g => Workloads.All.ToList().FindIndex(w => w.Name == g.Key.Workload))
            .Select(g => g.First() with { TrainPerSecond = g.Max(r => r.TrainPerSecond), ForwardPerSecond = g.Max(r => r.ForwardPerSecond) })];

    static string Percent(double gigaflops, bool cpu, PeakFlops.Width? peak)
    {
        if (!cpu || peak is null) return "-";
        double percent = 100 * gigaflops / peak.GigaflopsPerSecond;
        return percent.ToString(percent < 1 ? "F2" : "F1", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The tutorial as a user runs it: 20 epochs of Trainer.Fit, batch 1. The first run of each engine in this
    /// process includes compiling its hot methods ("cold"); the median of the next runs is "warm".
    /// </summary>
    static void TutorialFit(IReadOnlyList<EngineKind> kinds, StringBuilder output)
    {
        var workload = Workloads.Get("tutorial");
        var data = workload.Data(workload.Windows);
        output.AppendLine("| tutorial, 20 epochs (Trainer.Fit) | cold ms | warm median ms |");
        output.AppendLine("|---|--:|--:|");
        foreach (var kind in kinds)
        {
            double Fit()
            {
                using var engine = EngineFactory.Create(kind, workload.Spec);
                engine.SetParameters(workload.InitialParameters());
                return Trainer.Fit(engine, data, new TrainingOptions()).Elapsed.TotalMilliseconds;
            }
            double cold = Fit();
            var warm = Enumerable.Range(0, 7).Select(_ => Fit()).Order().ToArray();
            output.AppendLine(CultureInfo.InvariantCulture, $"| {EngineCatalog.Name(kind)} | {cold:F2} | {warm[warm.Length / 2]:F2} |");
        }
        output.AppendLine();
    }

    /// <summary>
    /// The model dimension: M tutorial-shaped models (a sweep's seeds × learning rates) trained by Trainer.Fit on
    /// one engine of M models, against the same M trained one after another on one-model engines of that kind.
    /// Medians of 3; the ILGPU simulator gets 2 epochs, the CPU engines 20 (quick: 5).
    /// </summary>
    static void ModelsTogether(IReadOnlyList<EngineKind> kinds, bool quick, StringBuilder output)
    {
        const int models = 16;
        var workload = Workloads.Get("tutorial");
        var data = workload.Data(workload.Windows);
        var variants = Enumerable.Range(0, models).Select(i => new ModelVariant(i + 1, 0.001f * (1 + i % 4))).ToArray();
        output.AppendLine($"| {models} tutorial models (Trainer.Fit) | epochs | together ms | one at a time ms | speed-up |");
        output.AppendLine("|---|--:|--:|--:|--:|");
        foreach (var kind in kinds)
        {
            int epochs = kind is EngineKind.Simd or EngineKind.Scalar ? quick ? 5 : 20 : 2;
            var options = new TrainingOptions { Epochs = epochs };
            double Together()
            {
                using var engine = EngineFactory.Create(kind, workload.Spec, models);
                engine.SetParameters([.. Enumerable.Repeat(workload.InitialParameters(), models).SelectMany(p => p)]);
                var clock = Stopwatch.StartNew();
                Trainer.Fit(engine, data, options, variants);
                return clock.Elapsed.TotalMilliseconds;
            }
            double Alone() => variants.Sum(v =>
            {
                using var engine = EngineFactory.Create(kind, workload.Spec);
                engine.SetParameters(workload.InitialParameters());
                var clock = Stopwatch.StartNew();
                Trainer.Fit(engine, data, options with { Seed = v.Seed, Adam = new AdamOptions(v.LearningRate) });
                return clock.Elapsed.TotalMilliseconds;
            });
            Together(); Alone(); // warm-up: JIT and kernel compilation
            double together = Median(3, Together), alone = Median(3, Alone);
            output.AppendLine(CultureInfo.InvariantCulture, $"| {EngineCatalog.Name(kind)} | {epochs} | {together:F1} | {alone:F1} | {alone / together:F2}× |");
        }
        output.AppendLine();
    }

    static double Median(int repeats, Func<double> measure)
    {
        var values = Enumerable.Range(0, repeats).Select(_ => measure()).Order().ToArray();
        return values[repeats / 2];
    }

    static string Ratio(double ours, double theirs) => (ours / theirs).ToString("F2", CultureInfo.InvariantCulture);

    static double Median(int repeats, Action body)
    {
        var seconds = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            body();
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(seconds);
        return seconds[repeats / 2];
    }

    static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Every value of an option that may be repeated (<c>--peer a.json --peer b.json</c>).</summary>
    static List<string> Options(string[] args, string name) =>
        [.. Enumerable.Range(0, Math.Max(0, args.Length - 1)).Where(i => args[i] == name).Select(i => args[i + 1])];

    /// <summary>One run of this table, as <c>--json</c> writes it and <c>--best-of</c> reads it back.</summary>
    sealed record OurRun(PeakFlops.Result Peak, IReadOnlyList<Row> Rows)
    {
        static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

        public static void Save(string path, PeakFlops.Result peak, IReadOnlyList<Row> rows) => File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            peak = new
            {
                threads = peak.Threads,
                widths = peak.Widths.Select(w => new
                {
                    name = w.Name, bits = w.Bits, accelerated = w.Accelerated, gflops = w.GigaflopsPerSecond, wall_gflops = w.WallGigaflopsPerSecond,
                }),
            },
            rows = rows.Select(r => new
            {
                workload = r.Workload, engine = r.Engine, windows = r.Windows,
                train_windows_per_s = r.TrainPerSecond, forward_windows_per_s = r.ForwardPerSecond,
            }),
        }, Indented));

        public static OurRun Load(string path)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            var peak = json.RootElement.GetProperty("peak");
            var widths = peak.GetProperty("widths").EnumerateArray().Select(w => new PeakFlops.Width(w.GetProperty("name").GetString()!,
                w.GetProperty("bits").GetInt32(), w.GetProperty("accelerated").GetBoolean(), w.GetProperty("gflops").GetDouble(),
                w.TryGetProperty("wall_gflops", out var wall) ? wall.GetDouble() : 0)).ToList();
            var rows = json.RootElement.GetProperty("rows").EnumerateArray().Select(r => new Row(r.GetProperty("workload").GetString()!,
                r.GetProperty("engine").GetString()!, r.GetProperty("windows").GetInt32(),
                r.GetProperty("train_windows_per_s").GetDouble(), r.GetProperty("forward_windows_per_s").GetDouble())).ToList();
            return new OurRun(new PeakFlops.Result(peak.GetProperty("threads").GetInt32(), widths), rows);
        }
    }

    sealed record PeerRow(string Workload, int Threads, int? BlasThreads, int Windows, double Train, double Forward)
    {
        public string ThreadsText => $"{Threads} thread(s)" + (BlasThreads is { } b && b != Threads ? $", BLAS {b}" : "");
    }

    /// <summary>
    /// Results written by bench/pytorch_compare.py, one file per run: windows/s per workload and thread count, and
    /// what ran them (the BLAS library PyTorch loaded, its thread counts). Several runs fold into the fastest rates.
    /// </summary>
    sealed class PeerResults(JsonElement first, int runs, List<PeerRow> results)
    {
        public int Runs => runs;
        public string Version => Text("torch") ?? "?";
        public bool OnCpu => (Text("device") ?? "cpu") == "cpu";

        string? Text(string name) => first.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;

        public static PeerResults Load(IReadOnlyList<string> paths)
        {
            var rows = new List<PeerRow>();
            JsonElement first = default;
            foreach (var path in paths)
            {
                using var json = JsonDocument.Parse(File.ReadAllText(path));
                if (rows.Count == 0 && first.ValueKind == JsonValueKind.Undefined) first = json.RootElement.Clone();
                rows.AddRange(json.RootElement.GetProperty("results").EnumerateArray().Select(r => new PeerRow(
                    r.GetProperty("workload").GetString()!, r.GetProperty("threads").GetInt32(),
                    r.TryGetProperty("blas_threads", out var b) && b.ValueKind == JsonValueKind.Number ? b.GetInt32() : null,
                    r.GetProperty("windows").GetInt32(), r.GetProperty("train_windows_per_s").GetDouble(), r.GetProperty("forward_windows_per_s").GetDouble())));
            }
            // The fastest of the runs per workload × thread count, training and forward alike.
            var best = rows.GroupBy(r => (r.Workload, r.Threads))
                .Select(g => g.First() with { Train = g.Max(r => r.Train), Forward = g.Max(r => r.Forward) }).ToList();
            return new PeerResults(first, paths.Count, best);
        }

        /// <summary>PyTorch at its best thread count for this workload (by training rate).</summary>
        public PeerRow? Best(string workload) => results.Where(r => r.Workload == workload).MaxBy(r => r.Train);

        /// <summary>One line for above the table: what PyTorch ran on.</summary>
        public string Describe()
        {
            var threads = results.Select(r => r.Threads).Distinct().Order();
            string blasThreads = results.Any(r => r.BlasThreads is not null)
                ? $"the BLAS's own pool set to the same count{(Text("blas_threads_default") is { } d ? $", its default here {d}" : "")}"
                : Text("blas_kind") == "reference" ? "the reference BLAS is single-threaded" : "the BLAS's own thread count not set";
            string blasDetail = string.Join("; ", new[] { Text("blas_config"), Text("blas_core") is { } c ? $"kernels {c}" + (Text("blas_coretype_env") is { } e ? $", OPENBLAS_CORETYPE={e}" : "") : null }.OfType<string>());
            return $"PyTorch {Version} on {Text("device") ?? "cpu"}: BLAS {(Text("blas_kind") is { } kind ? kind + " " : "")}{Text("blas") ?? "unknown"}"
                + (Text("blas_kind") == "reference" ? " (Debian's reference BLAS, 5–10× slower than OpenBLAS)" : "")
                + (blasDetail.Length > 0 ? $" ({blasDetail})" : "")
                + $"; thread counts tried {string.Join(", ", threads)} (torch.set_num_threads, {blasThreads})"
                + (Text("cpu_capability") is { } cap ? $"; PyTorch's own kernels: {cap}" : "")
                + "; its rows below are at its best thread count per workload.";
        }
    }
}
