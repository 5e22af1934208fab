using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GpuRnn.Training;
using GpuRnn.Training.Engines;

namespace GpuRnn.Bench;

/// <summary>
/// Plain Stopwatch timing for docs: every available engine × workload, medians of whole epochs after a warm-up
/// epoch, printed as one Markdown table of windows/s, GFLOP/s and ratios (to the scalar engine and, when a
/// PyTorch result file is given with <c>--peer</c>, to PyTorch's best thread count).
/// </summary>
public static class TableMode
{
    sealed record Row(Workload Workload, string Engine, int Windows, double TrainPerSecond, double ForwardPerSecond);

    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        string? peerPath = Option(args, "--peer");
        var only = Option(args, "--only")?.Split(',');
        var kinds = EngineCatalog.Available();
        var output = new StringBuilder();
        output.AppendLine($"Engines: {string.Join(", ", kinds.Select(EngineCatalog.Name))}; {Environment.ProcessorCount} logical CPUs; "
            + $"Vector<float> width {System.Numerics.Vector<float>.Count}; {(quick ? "quick" : "full")} mode.");
        output.AppendLine();
        TutorialFit(kinds, output);

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
                rows.Add(new Row(workload, session.EngineName, session.Windows, session.Windows / train, session.Windows / forward));
                Console.Error.WriteLine($"  {workload.Name} {session.EngineName}: {session.Windows / train:N0} windows/s");
            }

        // Last: its many engines (and the thread pool they wake) must not disturb the single-engine timings above.
        var models = new StringBuilder();
        ModelsTogether(kinds, quick, models);

        var peer = peerPath is null ? null : PeerResults.Load(peerPath);
        output.AppendLine("| workload | engine | windows timed | train windows/s | train GFLOP/s | forward windows/s | forward GFLOP/s | × scalar (train) |"
            + (peer is null ? "" : " × PyTorch (train) | × PyTorch (forward) |"));
        output.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|" + (peer is null ? "" : "--:|--:|"));
        foreach (var group in rows.GroupBy(r => r.Workload))
        {
            var scalar = group.FirstOrDefault(r => r.Engine == "scalar");
            var best = peer?.Best(group.Key.Name);
            foreach (var r in group)
            {
                var spec = group.Key.Spec;
                output.Append(CultureInfo.InvariantCulture, $"| {group.Key.Name} | {r.Engine} | {r.Windows:N0} | {r.TrainPerSecond:N0} | "
                    + $"{r.TrainPerSecond * FlopCount.Training(spec) / 1e9:F2} | {r.ForwardPerSecond:N0} | {r.ForwardPerSecond * FlopCount.Forward(spec) / 1e9:F2} | "
                    + $"{(scalar is null ? "-" : (r.TrainPerSecond / scalar.TrainPerSecond).ToString("F1", CultureInfo.InvariantCulture))} |");
                if (peer is not null)
                    output.Append(best is null ? " - | - |" : $" {Ratio(r.TrainPerSecond, best.Value.Train)} | {Ratio(r.ForwardPerSecond, best.Value.Forward)} |");
                output.AppendLine();
            }
            if (best is not null)
                output.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key.Name} | PyTorch {peer!.Version} ({best.Value.Threads} thread(s)) | {best.Value.Windows:N0} | "
                    + $"{best.Value.Train:N0} | {best.Value.Train * FlopCount.Training(group.Key.Spec) / 1e9:F2} | {best.Value.Forward:N0} | "
                    + $"{best.Value.Forward * FlopCount.Forward(group.Key.Spec) / 1e9:F2} | "
                    + $"{(scalar is null ? "-" : (best.Value.Train / scalar.TrainPerSecond).ToString("F1", CultureInfo.InvariantCulture))} | 1.0 | 1.0 |");
        }
        output.AppendLine();
        output.Append(models);
        output.AppendLine("FLOPs per window (FlopCount: 2 per multiply–add, forward / training): "
            + string.Join("; ", Workloads.All.Select(w => $"{w.Name} {FlopCount.Forward(w.Spec):N0} / {FlopCount.Training(w.Spec):N0}")));
        Console.WriteLine(output);
        return 0;
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

    /// <summary>Results written by bench/pytorch_compare.py: windows/s per workload and thread count.</summary>
    sealed class PeerResults(string version, List<(string Workload, int Threads, int Windows, double Train, double Forward)> results)
    {
        public string Version => version;

        public static PeerResults Load(string path)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            var list = json.RootElement.GetProperty("results").EnumerateArray().Select(r => (
                r.GetProperty("workload").GetString()!, r.GetProperty("threads").GetInt32(), r.GetProperty("windows").GetInt32(),
                r.GetProperty("train_windows_per_s").GetDouble(), r.GetProperty("forward_windows_per_s").GetDouble())).ToList();
            return new PeerResults(json.RootElement.GetProperty("torch").GetString() ?? "?", list);
        }

        /// <summary>PyTorch at its best thread count for this workload (by training rate).</summary>
        public (int Threads, int Windows, double Train, double Forward)? Best(string workload)
        {
            var candidates = results.Where(r => r.Workload == workload).ToList();
            if (candidates.Count == 0) return null;
            var best = candidates.MaxBy(r => r.Train);
            return (best.Threads, best.Windows, best.Train, best.Forward);
        }
    }
}
