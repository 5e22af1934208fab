using GpuRnn.Cli.Plotting;

namespace GpuRnn.Cli.Commands;

/// <summary>
/// <c>gpurnn train-many</c>: one model per series of a long or wide CSV file, all trained together, each series scaled,
/// windowed and seeded on its own (<see cref="ManySeriesRun"/>). With <c>--out DIR</c>: <c>metrics.csv</c> (a row per
/// series), <c>models.zip</c> (every model; <c>predict</c> and <c>forecast</c> read one with <c>--id</c>) and
/// <c>summary.png</c>, committed together, the folder made when missing. Sharded (<see cref="ShardOptions"/>), a task
/// trains its slice of the file's series and writes <c>shard-&lt;i&gt;-of-&lt;n&gt;.csv</c> (the metrics rows) and
/// <c>shard-&lt;i&gt;-of-&lt;n&gt;.models.zip</c>; <c>gpurnn merge DIR</c> joins them.
/// </summary>
static class TrainManyCommand
{
    public const string MetricsFile = "metrics.csv", SummaryFile = "summary.png", SkippedFile = "skipped.csv", Kind = "train-many";

    /// <summary>Skipped series named on stdout; the rest are counted (and listed in skipped.csv).</summary>
    const int ShownSkipped = 10;

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var dataFile = new Option<string>("--data") { Description = "CSV file of many series, long (a row per series and date, with --id-column) or wide (a column per series)", Required = true, HelpName = "FILE" };
        var idColumn = new Option<string?>("--id-column") { Description = "long form: the column naming each row's series, by header or index from 0 (default: wide form, a series per column)", HelpName = "NAME|INDEX" };
        var target = new Option<string?>("--target") { Description = "long form: the column of values (default: the one column that is neither ids nor dates)", HelpName = "NAME|INDEX" };
        var data = new DataOptions();
        var model = new ModelOptions(defaultUnits: 3, defaultActivation: "tanh");
        var run = new RunOptions();
        var accelerator = AcceleratorOption.Create();
        var outDir = new Option<string?>("--out") { Description = "folder for metrics.csv, models.zip and summary.png (made when missing; its parent must exist)", HelpName = "DIR" };
        var sharding = new ShardOptions();

        var command = new Command("train-many", "Train one SimpleRNN + Dense model per series of a long or wide CSV file, all together, and report each series' train/test RMSE");
        foreach (Option o in (Option[])[dataFile, idColumn, target, data.DateColumn, data.FillGaps])
            command.Options.Add(o);
        model.AddTo(command);
        foreach (Option o in (Option[])[.. run.Windowing, .. run.Training, .. run.Validation, accelerator, outDir, .. sharding.All])
            command.Options.Add(o);

        command.SetAction(result =>
        {
            var windowing = run.WindowingOf(result);
            var spec = model.Spec(result, windowing.TimeSteps).Validated();
            var training = run.TrainingOf(result);
            string path = result.GetValue(dataFile)!;
            var shard = sharding.Resolve(result);
            if (shard is not null && result.GetValue(outDir) is null) throw new GpuRnnInputException($"a sharded run ({shard}) writes its result into a folder: give --out DIR");
            InputFile.EnsureRegular(path, "data file");
            string? shardRun = shard is { } sh ? ShardOptions.RunHash(result, command, sh, path, "--out") : null;
            using var folder = OutputFolder.Plan("--out", result.GetValue(outDir));
            string? shardCsv = shard is { } s1 ? folder!.File(s1.FileName()) : null, shardModels = shard is { } s2 ? folder!.File(s2.FileName(".models.zip")) : null;
            if (shardCsv is not null && ShardFile.IsDone(shardCsv, Kind, shardRun!) && File.Exists(shardModels))
            {
                folder!.Kept();
                stdout.WriteLine($"Shard {shard!.Value.Index} of {shard.Value.Count}: already done ({shardCsv}, same options and data): nothing to train");
                return 0;
            }
            using var outputs = new FilePlan().Input("--data", path)
                .Output("--out", shard is null ? folder?.File(MetricsFile) : shardCsv).Output("--out", shard is null ? folder?.File(ModelBundle.FileName) : shardModels)
                .Output("--out", shard is null ? folder?.File(SummaryFile) : null).Output("--out", shard is null ? folder?.File(SkippedFile) : null)
                .Check();
            var engineKind = AcceleratorOption.Parse(result.GetValue(accelerator)!);
            EngineFactory.EnsureAvailable(engineKind);
            using var progress = Progress.For(stderr);
            progress.Show($"reading {path}…");
            var series = SeriesFile.ReadFile(path, new SeriesFileOptions(result.GetValue(idColumn), result.GetValue(target), data.Dates(result)));
            int inFile = series.Series.Count + series.Skipped.Count;
            if (shard is { } slice) series = series with { Series = slice.Take(series.Series) };
            var job = new ManySeriesRun(series, spec, windowing, training, engineKind);
            var (ready, skippedEarly) = job.Prepare();
            // Nothing to train refuses in one line, naming the first series' fault; a shard of nothing is an empty result, not a failed task.
            if (ready.Count == 0 && shard is null) job.Run();
            progress.Clear();
            stdout.WriteLine($"Data:  {path}: {inFile} series{(shard is { } part ? $"; {part}: {series.Series.Count} of them" : "")}, {ready.Count} to train, {skippedEarly.Count} skipped");
            // Thousands of series may skip thousands: the first few here, every one in DIR/skipped.csv.
            foreach (var s in skippedEarly.Take(ShownSkipped)) stdout.WriteLine($"Skipped: '{s.Id}': {s.Reason}");
            if (skippedEarly.Count > ShownSkipped)
                stdout.WriteLine($"Skipped: … and {skippedEarly.Count - ShownSkipped} more{(folder is null ? " (--out DIR lists them all in skipped.csv)" : $" (all in {folder.File(SkippedFile)})")}");
            stdout.WriteLine($"Model: {spec}, {spec.Layout().Count} parameters per series");
            stdout.WriteLine($"Train: Adam lr {training.Adam.LearningRate.ToString(CultureInfo.InvariantCulture)}, batch {training.BatchSize}, {training.Epochs} epochs, "
                + $"{(training.Shuffle ? "shuffled" : "in order")}, seed {training.Seed} with each series' id");
            int done = 0;
            progress.Show($"training {ready.Count} models…");
            var trained = ready.Count == 0 ? new ManySeriesResult([], skippedEarly, "none", TimeSpan.Zero)
                : job.Run(group => progress.Show($"training models {done + 1}–{done += group} of {ready.Count}…"));
            progress.Clear();
            var rmse = trained.Models.Where(m => m.Result.Data.Test.Count > 0).Select(m => m.Result.TestRmse).Order().ToArray();
            if (trained.Models.Count > 0)
                stdout.WriteLine($"Trained: {trained.Models.Count} models on {trained.EngineName} in {Figures.Ms(trained.TrainingTime)} "
                + $"({(trained.Models.Count / trained.TrainingTime.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture)} series/s)");
            if (rmse.Length > 0)
                stdout.WriteLine($"Test RMSE (scaled): median {Figures.Rmse(rmse[rmse.Length / 2])}, best {Figures.Rmse(rmse[0])}, worst {Figures.Rmse(rmse[^1])}");
            if (folder is null) return 0;
            progress.Show("writing the outputs…");
            // Each model's held-out residuals are hundreds of recursive forecasts: measured on every core.
            var saved = new SavedModel[trained.Models.Count];
            Parallel.For(0, saved.Length, i => saved[i] = Saved(trained.Models[i], series, training));
            var models = trained.Models.Select((m, i) => (m.Id, saved[i]));
            if (shard is { } mine)
            {
                var csv = new StringWriter();
                Metrics().Write(csv, trained.Models);
                outputs.WriteAllText(shardCsv!, ShardFile.Text(new ShardHeader(Kind, mine, shardRun!, trained.Models.Count), csv.ToString()));
                outputs.Write(shardModels!, s => ModelBundle.Write(s, models));
                outputs.Commit();
                folder.Kept();
                progress.Clear();
                stdout.WriteLine($"Saved: {shardCsv}, {shardModels} (gpurnn merge {folder.Path} joins the shards)");
                return 0;
            }
            CsvOutput.Write(Metrics(), trained.Models, folder.File(MetricsFile), outputs, stdout);
            outputs.Write(folder.File(ModelBundle.FileName), s => ModelBundle.Write(s, models));
            ManySummaryPlot.Save(folder.File(SummaryFile), trained.Models, outputs.Write);
            var skippedCsv = new StringWriter();
            new CsvColumns<SkippedSeries>().Add("id", s => s.Id).Add("reason", s => s.Reason).Write(skippedCsv, trained.Skipped);
            outputs.WriteAllText(folder.File(SkippedFile), skippedCsv.ToString());
            outputs.Commit();
            folder.Kept();
            progress.Clear();
            stdout.WriteLine($"Saved: {folder.File(MetricsFile)}, {folder.File(ModelBundle.FileName)}, {folder.File(SummaryFile)}, {folder.File(SkippedFile)}");
            return 0;
        });
        return command;
    }

    /// <summary>A row per series: its id, windows, seed, RMSE on both sides in both units, epochs run.</summary>
    static CsvColumns<SeriesModel> Metrics() => new CsvColumns<SeriesModel>()
        .Add("id", m => m.Id)
        .Add("values", m => m.Result.Data.Series.Length.ToString(CultureInfo.InvariantCulture))
        .Add("train_windows", m => m.Result.Data.Train.Count.ToString(CultureInfo.InvariantCulture))
        .Add("test_windows", m => m.Result.Data.Test.Count.ToString(CultureInfo.InvariantCulture))
        .Add("seed", m => m.Seed.ToString(CultureInfo.InvariantCulture))
        .Add("train_rmse", m => Figures.Exact(m.Result.TrainRmse))
        .Add("test_rmse", m => m.Result.Data.Test.Count > 0 ? Figures.Exact(m.Result.TestRmse) : "")
        .Add("train_rmse_original", m => Figures.Exact(m.Result.TrainRmseOriginal))
        .Add("test_rmse_original", m => m.Result.Data.Test.Count > 0 ? Figures.Exact(m.Result.TestRmseOriginal) : "")
        .Add("epochs", m => m.Result.History.Epochs.Count.ToString(CultureInfo.InvariantCulture));

    /// <summary>The series' model as <c>train --save</c> would write it, plus where its rows are in a long file.</summary>
    static SavedModel Saved(SeriesModel m, SeriesCollection file, TrainingOptions training)
    {
        var r = m.Result;
        var saved = new SavedModel(r.Spec, r.Parameters, r.Data.Scaler, file.ValueColumn ?? m.Id, file.Source,
            TrainingRecord.Of(training with { Seed = m.Seed }, r.History));
        var dates = r.Data.Series.Dates;
        return saved with
        {
            DateOptions = dates is null ? Training.Data.DateOptions.None : new DateOptions(dates.Column, dates.FillGaps),
            Dates = dates?.End,
            Series = file.IdColumn is { } idColumn ? new SeriesKey(idColumn, m.Id) : null,
            Residuals = HeldOutResiduals.Of(r), // forecast --interval's held-out errors, as train --save keeps them
        };
    }
}
