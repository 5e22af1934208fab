using System.Text;
using GpuRnn.Training.Sweep;

namespace GpuRnn.Cli.Commands;

/// <summary>
/// A sweep's CSV rows, written once for both forms: the whole grid's (<c>rank,…</c>, best first) and a shard's
/// (<c>config,…</c>: each configuration's place in the grid, which breaks ties in the ranking as the unsharded
/// sweep does), and the merge of shards back into the first (<see cref="Merge"/>), cell for cell.
/// </summary>
static class SweepShards
{
    public const string Kind = "sweep", BestExtension = ".best.json";

    const string Columns = "hidden,time_steps,seed,learning_rate,train_rmse,val_rmse,test_rmse";

    static string Cells(SweepEntry e) => string.Create(CultureInfo.InvariantCulture,
        $"{e.Config.Hidden},{e.Config.TimeSteps},{e.Config.Seed},{e.Config.LearningRate:R},{e.TrainRmse:R},{e.ValidationRmse:R},{e.TestRmse:R}");

    /// <summary>The unsharded sweep's CSV: a row per configuration, ranked.</summary>
    public static string Ranked(SweepResult sweep) => Ranked(sweep.Entries.Select(Cells));

    static string Ranked(IEnumerable<string> cells)
    {
        var text = new StringBuilder("rank," + Columns + "\n");
        foreach (var (row, i) in cells.Select((row, i) => (row, i))) text.Append(CultureInfo.InvariantCulture, $"{i + 1},{row}\n");
        return text.ToString();
    }

    /// <summary>A shard's CSV: each configuration's place in the whole grid (its place in the shard plus <paramref name="offset"/>), then its cells.</summary>
    public static string Shard(SweepResult sweep, int offset)
    {
        var text = new StringBuilder("config," + Columns + "\n");
        foreach (var e in sweep.Entries.OrderBy(e => e.Position)) text.Append(CultureInfo.InvariantCulture, $"{e.Position + offset},{Cells(e)}\n");
        return text.ToString();
    }

    /// <summary>Every shard's rows ranked as one sweep ranks them: by validation RMSE (NaN last), ties in grid order.</summary>
    public static string Merge(ShardSet shards)
    {
        if (shards.CsvHeader != "config," + Columns) throw new GpuRnnInputException($"{shards.Shards[0].Path}: corrupt: not a sweep shard's columns");
        var rows = new List<(int Config, double Validation, string Cells)>();
        var seen = new HashSet<int>();
        foreach (var (_, path, lines) in shards.Shards)
            foreach (var line in lines.Skip(1))
            {
                var cells = line.Split(',', 2);
                if (cells.Length != 2 || !int.TryParse(cells[0], NumberStyles.None, CultureInfo.InvariantCulture, out int config)
                    || cells[1].Split(',') is not { Length: 7 } values || !double.TryParse(values[5], NumberStyles.Float, CultureInfo.InvariantCulture, out double validation))
                    throw new GpuRnnInputException($"{path}: corrupt row {rows.Count + 1}");
                if (!seen.Add(config)) throw new GpuRnnInputException($"{path}: configuration {config} is in another shard too");
                rows.Add((config, validation, cells[1]));
            }
        return Ranked(rows.OrderBy(r => SweepRunner.RankKey(r.Validation)).ThenBy(r => r.Config).Select(r => r.Cells));
    }

    /// <summary>The best shard's best model (the sweep's best is the best of its shard), copied byte for byte.</summary>
    public static void CopyBest(ShardSet shards, IReadOnlyList<string> bestModels, Stream output)
    {
        static (double, int) Key(string row)
        {
            var cells = row.Split(',');
            return (SweepRunner.RankKey(double.Parse(cells[6], CultureInfo.InvariantCulture)), int.Parse(cells[0], CultureInfo.InvariantCulture));
        }
        int best = Enumerable.Range(0, shards.Shards.Count).Where(i => shards.Shards[i].Lines.Length > 1)
            .MinBy(i => shards.Shards[i].Lines.Skip(1).Min(Key));
        using var model = File.OpenRead(bestModels[best]);
        model.CopyTo(output);
    }
}
