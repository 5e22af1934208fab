namespace GpuRnn.Cli.Commands;

/// <summary>
/// <c>gpurnn merge DIR</c>: the shard results of one sharded <c>sweep</c> or <c>train-many</c> (<see cref="ShardSet"/>)
/// joined into what the unsharded run writes: the same CSV, columns and rows (a sweep's ranked anew over every shard),
/// and for <c>train-many</c> one <c>models.zip</c>; for a sweep, <c>--save-best</c> copies the best shard's best model.
/// </summary>
static class MergeCommand
{
    public static Command Create(TextWriter stdout)
    {
        var folder = new Argument<string>("DIR") { Description = "the --out folder the shards wrote into" };
        var csv = new Option<string?>("--csv") { Description = "the merged CSV (default: DIR/sweep.csv for a sweep, DIR/metrics.csv for train-many)", HelpName = "FILE" };
        var saveBest = new Option<string?>("--save-best") { Description = "a sweep's best model over every shard (as 'sweep --save-best' saves it)", HelpName = "FILE" };
        var partial = new Option<bool>("--partial") { Description = "merge the shards there even if some are missing (they are named)" };
        var command = new Command("merge", "Join the shard results of a sharded sweep or train-many (--shard I/N, or a Slurm or Kubernetes array) into the unsharded run's outputs");
        command.Arguments.Add(folder);
        foreach (var o in new Option[] { csv, saveBest, partial }) command.Options.Add(o);
        command.SetAction(result =>
        {
            string dir = result.GetValue(folder)!;
            var shards = ShardSet.Read(dir, result.GetValue(partial));
            bool sweep = shards.Kind == SweepShards.Kind;
            if (!sweep && shards.Kind != TrainManyCommand.Kind) throw new GpuRnnInputException($"{dir}: shards of an unknown kind '{shards.Kind}'");
            if (!sweep && result.GetValue(saveBest) is not null) throw new GpuRnnInputException("--save-best picks a sweep's best model; train-many keeps one model per series (models.zip)");
            string csvPath = result.GetValue(csv) ?? Path.Combine(dir, sweep ? "sweep.csv" : TrainManyCommand.MetricsFile);
            string? bestPath = result.GetValue(saveBest), bundlePath = sweep ? null : Path.Combine(dir, ModelBundle.FileName);
            string[] modelFiles = [.. shards.Shards.Select(s => Path.ChangeExtension(s.Path, sweep ? SweepShards.BestExtension : ".models.zip"))];
            var plan = new FilePlan().Output("--csv", csvPath).Output("--save-best", bestPath).Output("models", bundlePath);
            foreach (var (s, model) in shards.Shards.Zip(modelFiles)) plan.Input("shard", s.Path).Input("shard", model);
            using var outputs = plan.Check();
            string merged = sweep ? SweepShards.Merge(shards) : ManyRows(shards);
            outputs.WriteAllText(csvPath, merged);
            if (bundlePath is not null) outputs.Write(bundlePath, s => ModelBundle.Join(s, modelFiles));
            if (bestPath is not null) outputs.Write(bestPath, s => SweepShards.CopyBest(shards, modelFiles, s));
            outputs.Commit();
            int rows = merged.Count(c => c == '\n') - 1;
            stdout.WriteLine($"Merged: {shards.Shards.Count} of {shards.Count} shards of a {shards.Kind} run ({rows} rows) into {csvPath}"
                + (bundlePath is null ? "" : $" and {bundlePath}") + (bestPath is null ? "" : $"; best model: {bestPath}"));
            if (shards.Missing.Count > 0)
                stdout.WriteLine($"Partial: shard{(shards.Missing.Count == 1 ? "" : "s")} {string.Join(", ", shards.Missing)} of {shards.Count} {(shards.Missing.Count == 1 ? "is" : "are")} missing, and so are {(shards.Missing.Count == 1 ? "its" : "their")} rows");
            return 0;
        });
        return command;
    }

    /// <summary>train-many's rows in shard order (the file's order), each series once.</summary>
    static string ManyRows(ShardSet shards)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in shards.Shards)
            foreach (var row in s.Lines.Skip(1))
                if (!seen.Add(FirstCell(row)))
                    throw new GpuRnnInputException($"{s.Path}: series '{FirstCell(row)}' is in another shard too");
        return shards.CsvHeader + "\n" + string.Concat(shards.Rows.Select(r => r + "\n"));
    }

    /// <summary>A CSV row's first cell, unquoted (an id with a comma or a quote is written quoted, RFC 4180).</summary>
    internal static string FirstCell(string row)
    {
        if (!row.StartsWith('"')) return row.Split(',')[0];
        var cell = new System.Text.StringBuilder();
        for (int i = 1; i < row.Length; i++)
        {
            if (row[i] != '"') { cell.Append(row[i]); continue; }
            if (i + 1 < row.Length && row[i + 1] == '"') { cell.Append('"'); i++; continue; }
            break;
        }
        return cell.ToString();
    }
}
