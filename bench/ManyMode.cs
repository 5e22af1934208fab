using System.Diagnostics;
using System.Globalization;
using GpuRnn.Training;
using GpuRnn.Training.Data;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Many;
using GpuRnn.Training.Model;

namespace GpuRnn.Bench;

/// <summary>
/// One model per series (<c>--many [--series N] [--sample K] [--accelerator simd]</c>): N synthetic monthly series of
/// 240 values (<see cref="SyntheticSeries"/>), the tutorial's model and training, trained together by
/// <see cref="ManySeriesRun"/>, against the same series trained one at a time by <see cref="TrainingRun"/> on the same
/// engine and on the scalar engine. The one-at-a-time runs train the first K series and are scaled to N (stated in
/// the output), so the whole run stays within minutes; the sample's weights are compared with the models trained
/// together.
/// </summary>
public static class ManyMode
{
    public static int Run(string[] args)
    {
        int count = int.Parse(Option(args, "--series") ?? "10000", CultureInfo.InvariantCulture);
        int sample = Math.Min(count, int.Parse(Option(args, "--sample") ?? "300", CultureInfo.InvariantCulture));
        var kind = EngineNames.Parse(Option(args, "--accelerator") ?? "simd") ?? throw new ArgumentException("unknown --accelerator");
        var data = SyntheticSeries.Monthly(count, length: 240, seed: 1);
        var spec = ModelSpec.Tutorial;
        var windowing = new WindowingOptions();
        var training = new TrainingOptions();
        Console.WriteLine($"{count} synthetic monthly series of 240 values, {spec}, {training.Epochs} epochs at batch {training.BatchSize}; "
            + $"{Environment.ProcessorCount} logical CPUs; {PeakFlops.VectorLine()}");

        // Warm-up on other series (a whole engine's worth, and 50 alone on each engine), so that no side's figure is
        // the JIT's or the tiering's: every method has reached its optimised code before the clocks start.
        new ManySeriesRun(SyntheticSeries.Monthly(ManySeriesRun.MaxModelsPerEngine + 100, 240, seed: 9), spec, windowing, training, kind).Run();
        Alone(SyntheticSeries.Monthly(50, 240, seed: 9).Series, spec, windowing, training, kind);
        Alone(SyntheticSeries.Monthly(50, 240, seed: 9).Series, spec, windowing, training, EngineKind.Scalar);

        // Together: the median of three runs (each prepares, trains and predicts every series).
        ManySeriesResult together = null!;
        var runs = new double[3];
        for (int r = 0; r < runs.Length; r++)
        {
            var clock = Stopwatch.StartNew();
            together = new ManySeriesRun(data, spec, windowing, training, kind).Run();
            runs[r] = clock.Elapsed.TotalSeconds;
        }
        double togetherSeconds = runs.Order().ElementAt(1);
        var first = data.Series.Take(sample).ToArray();
        var (aloneSeconds, aloneModels) = Alone(first, spec, windowing, training, kind);
        var (scalarSeconds, scalarModels) = Alone(first, spec, windowing, training, EngineKind.Scalar);
        double perAlone = aloneSeconds / sample, perScalar = scalarSeconds / sample;

        Console.WriteLine();
        Console.WriteLine("| run | series | seconds | series/s | speed-up of together |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Row($"together on {together.EngineName} (ManySeriesRun), median of 3", count, togetherSeconds, togetherSeconds);
        Row($"one at a time on {together.EngineName} (TrainingRun), first {sample} scaled to {count}", count, perAlone * count, togetherSeconds);
        Row($"one at a time on scalar (TrainingRun), first {sample} scaled to {count}", count, perScalar * count, togetherSeconds);
        var byId = together.Models.ToDictionary(m => m.Id);
        Console.WriteLine();
        Console.WriteLine($"Largest weight difference over the {sample} sampled series, together against alone: on {together.EngineName} "
            + $"{MaxDifference(byId, aloneModels):G3}, against scalar {MaxDifference(byId, scalarModels):G3}");
        double median = together.Models.Select(m => m.Result.TestRmse).Order().ElementAt(together.Models.Count / 2);
        Console.WriteLine($"Median test RMSE (scaled) of the {together.Models.Count} models: {median:F4}; {together.Skipped.Count} series skipped");
        return 0;
    }

    static (double Seconds, Dictionary<string, float[]> Weights) Alone(IReadOnlyList<Series> series, ModelSpec spec, WindowingOptions windowing, TrainingOptions training, EngineKind kind)
    {
        var weights = new Dictionary<string, float[]>();
        var clock = Stopwatch.StartNew();
        foreach (var s in series)
            weights[s.Name] = new TrainingRun(s, spec, windowing, training with { Seed = SeriesSeed.Of(training.Seed, s.Name) }, kind).Run().Parameters;
        return (clock.Elapsed.TotalSeconds, weights);
    }

    static double MaxDifference(Dictionary<string, SeriesModel> together, Dictionary<string, float[]> alone) =>
        alone.Max(a => a.Value.Zip(together[a.Key].Result.Parameters).Max(p => Math.Abs(p.First - p.Second)));

    static void Row(string what, int series, double seconds, double togetherSeconds) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {what} | {series} | {seconds:F2} | {series / seconds:F0} | {seconds / togetherSeconds:F1}× |"));

    static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
