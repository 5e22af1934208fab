using GpuRnn.Cli.Plotting;

namespace GpuRnn.Cli.Commands;

/// <summary>
/// <c>gpurnn train-many</c>: one model per series of a long or wide CSV file, all trained together, each series scaled,
/// windowed and seeded on its own (<see cref="ManySeriesRun"/>). With <c>--out DIR</c>: <c>metrics.csv</c> (a row per
/// series), <c>models.zip</c> (every model; <c>predict</c> and <c>forecast</c> read one with <c>--id</c>) and
/// <c>summary.png</c>, committed together, the folder made when missing.
/// </summary>
static class TrainManyCommand
{
    public const string MetricsFile = "metrics.csv", SummaryFile = "summary.png";

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

        var command = new Command("train-many", "Train one SimpleRNN + Dense model per series of a long or wide CSV file, all together, and report each series' train/test RMSE");
        foreach (Option o in (Option[])[dataFile, idColumn, target, data.DateColumn, data.FillGaps])
            command.Options.Add(o);
        model.AddTo(command);
        foreach (Option o in (Option[])[.. run.Windowing, .. run.Training, .. run.Validation, accelerator, outDir])
            command.Options.Add(o);

        command.SetAction(result =>
        {
            var windowing = run.WindowingOf(result);
            var spec = model.Spec(result, windowing.TimeSteps).Validated();
            var training = run.TrainingOf(result);
            string path = result.GetValue(dataFile)!;
            using var folder = OutputFolder.Plan("--out", result.GetValue(outDir));
            using var outputs = new FilePlan().Input("--data", path)
                .Output("--out", folder?.File(MetricsFile)).Output("--out", folder?.File(ModelBundle.FileName)).Output("--out", folder?.File(SummaryFile))
                .Check();
            var engineKind = AcceleratorOption.Parse(result.GetValue(accelerator)!);
            EngineFactory.EnsureAvailable(engineKind);
            using var progress = Progress.For(stderr);
            progress.Show($"reading {path}…");
            var series = SeriesFile.ReadFile(path, new SeriesFileOptions(result.GetValue(idColumn), result.GetValue(target), data.Dates(result)));
            var job = new ManySeriesRun(series, spec, windowing, training, engineKind);
            var (ready, skippedEarly) = job.Prepare();
            if (ready.Count == 0) job.Run(); // refuses in one line, naming the first series' fault
            progress.Clear();
            stdout.WriteLine($"Data:  {path}: {series.Series.Count + series.Skipped.Count} series, {ready.Count} to train, {skippedEarly.Count} skipped");
            foreach (var s in skippedEarly) stdout.WriteLine($"Skipped: '{s.Id}': {s.Reason}");
            stdout.WriteLine($"Model: {spec}, {spec.Layout().Count} parameters per series");
            stdout.WriteLine($"Train: Adam lr {training.Adam.LearningRate.ToString(CultureInfo.InvariantCulture)}, batch {training.BatchSize}, {training.Epochs} epochs, "
                + $"{(training.Shuffle ? "shuffled" : "in order")}, seed {training.Seed} with each series' id");
            int done = 0;
            progress.Show($"training {ready.Count} models…");
            var trained = job.Run(group => progress.Show($"training models {done + 1}–{done += group} of {ready.Count}…"));
            progress.Clear();
            var rmse = trained.Models.Where(m => m.Result.Data.Test.Count > 0).Select(m => m.Result.TestRmse).Order().ToArray();
            stdout.WriteLine($"Trained: {trained.Models.Count} models on {trained.EngineName} in {Figures.Ms(trained.TrainingTime)} "
                + $"({(trained.Models.Count / trained.TrainingTime.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture)} series/s)");
            if (rmse.Length > 0)
                stdout.WriteLine($"Test RMSE (scaled): median {Figures.Rmse(rmse[rmse.Length / 2])}, best {Figures.Rmse(rmse[0])}, worst {Figures.Rmse(rmse[^1])}");
            if (folder is null) return 0;
            progress.Show("writing the outputs…");
            CsvOutput.Write(Metrics(), trained.Models, folder.File(MetricsFile), outputs, stdout);
            outputs.Write(folder.File(ModelBundle.FileName), s => ModelBundle.Write(s, trained.Models.Select(m => (m.Id, Saved(m, series, training)))));
            ManySummaryPlot.Save(folder.File(SummaryFile), trained.Models, outputs.Write);
            outputs.Commit();
            folder.Kept();
            progress.Clear();
            stdout.WriteLine($"Saved: {folder.File(MetricsFile)}, {folder.File(ModelBundle.FileName)}, {folder.File(SummaryFile)}");
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
