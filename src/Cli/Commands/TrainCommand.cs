using GpuRnn.Cli.Plotting;

namespace GpuRnn.Cli.Commands;

/// <summary><c>gpurnn train</c>: the tutorial's forecast, with its defaults, on any series.</summary>
static class TrainCommand
{
    public const string DefaultPlot = "forecast.png";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new DataOptions();
        var model = new ModelOptions(defaultUnits: 3, defaultActivation: "tanh");
        var run = new RunOptions();
        var save = new Option<string?>("--save") { Description = "write the trained model (spec, weights in Keras order, scaler) as JSON", HelpName = "FILE" };
        var initWeights = new Option<string?>("--init-weights") { Description = "start from these weights (a gpurnn model or a Keras get_weights() JSON list); with --epochs 0 only evaluates", HelpName = "FILE" };
        var plot = new Option<string>("--plot") { Description = "figure of actual vs predicted with the split marked: PNG or SVG, as the name ends (.png, .svg)", DefaultValueFactory = _ => DefaultPlot, HelpName = "FILE" };
        var plotLast = PlotLastOption.Create("draw only the last N windows in the figure (default: all; over 2000 in view, a zoomed panel shows the test part and as many windows before it)");
        var noPlot = new Option<bool>("--no-plot") { Description = "do not draw the plot" };
        var plotOriginal = new Option<bool>("--plot-original-units") { Description = "plot in the series' own units instead of the tutorial's scaled [0, 1]" };
        var lossPlot = new Option<string?>("--loss-plot") { Description = "figure of the loss per epoch, PNG or SVG (default: beside the plot in its format, FILE.loss.png)", HelpName = "FILE" };
        var history = new Option<string?>("--history") { Description = "write epoch,loss,val_loss,time as CSV, a line as each epoch ends (Keras's CSVLogger); kept if training fails", HelpName = "FILE" };
        var accelerator = AcceleratorOption.Create();
        var noBaseline = new Option<bool>("--no-baseline") { Description = "do not time the scalar CPU engine on the same work for comparison" };
        var baselineMode = BaselineOption.Create("the same training on the scalar engine (the speed-up's baseline)");

        var command = new Command("train", "Train SimpleRNN + Dense on a series and report train/test RMSE and MAE beside the naive last-value forecast's (defaults: the tutorial's sunspots model)");
        data.AddTo(command);
        model.AddTo(command);
        foreach (Option o in (Option[])[.. run.Windowing, .. run.Training, save, initWeights, plot, plotLast, noPlot, plotOriginal, lossPlot, history, .. run.Validation, accelerator, noBaseline, baselineMode])
            command.Options.Add(o);

        command.SetAction(result =>
        {
            var windowing = run.WindowingOf(result);
            var shape = model.Spec(result, windowing.TimeSteps);
            var training = run.TrainingOf(result);
            string? savePath = result.GetValue(save), initPath = result.GetValue(initWeights);
            string? plotPath = result.GetValue(noPlot) ? null : result.GetValue(plot);
            // Beside a device or FIFO (--plot /dev/null) there is no folder of the user's to put a loss plot in: only when asked.
            string? lossPlotPath = result.GetValue(lossPlot) ?? (plotPath is null || FigureFile.IsStream(plotPath) ? null : LossPlot.PathBeside(plotPath));
            string? historyPath = result.GetValue(history);
            using var outputs = new FilePlan()
                .Input("--data", result.GetValue(data.Data)).Input("--init-weights", initPath)
                .Output("--save", savePath).Output("--plot", plotPath).Output("--loss-plot", lossPlotPath, asked: !result.GetValue(noPlot))
                .Output("--history", historyPath)
                .Check(); // every output is writable and overwrites no input or other output, before any work
            var plotFormat = plotPath is null ? (FigureFormat?)null : FigureFile.FormatOf("--plot", plotPath);
            var lossPlotFormat = lossPlotPath is null || result.GetValue(noPlot) ? (FigureFormat?)null : FigureFile.FormatOf("--loss-plot", lossPlotPath);
            int? lastWindows = PlotLastOption.Get(result, plotLast);
            var plotting = plotPath is not null || lossPlotPath is not null ? PlotWarmup.Start() : Task.CompletedTask;
            var acceleratorKind = AcceleratorOption.Parse(result.GetValue(accelerator)!);
            // The SIMD engine's JIT (≈60 ms) on the other core while the CSV is read; its set-up waits for what is left.
            if (acceleratorKind is EngineKind.Auto or EngineKind.Simd) EngineFactory.CompileAhead(training.BatchSize);
            using var progress = Progress.For(stderr);
            progress.Show($"reading {result.GetValue(data.Data) ?? "the embedded sunspots"}…");
            var (inputs, series) = data.LoadColumns(result, data.Choice(result) ?? ColumnChoice.Default);
            var spec = (shape with { Features = inputs.Count }).Validated();
            var job = new TrainingRun(series, spec, windowing, training, acceleratorKind) { Inputs = inputs };
            if (initPath is not null) job = job with { InitialWeights = WeightsFile.Load(initPath, spec) };

            var prepared = job.Prepare(); // fails fast on a short series or a split that leaves nothing, before any output
            EngineFactory.EnsureAvailable(job.Engine);
            progress.Clear();
            stdout.WriteLine($"Data:  {series.Source}, {DataOptions.Describe(inputs, series)}: {series.Length} values{(series.Dates is { } dates ? $" ({dates.Describe()})" : "")}, split {prepared.Split}/{series.Length - prepared.Split}, "
                + $"{prepared.Train.Count} train / {prepared.Test.Count} test windows of {windowing.TimeSteps} (stride {windowing.EffectiveStride})");
            stdout.WriteLine($"Model: {spec}, {spec.Layout().Count} parameters");
            stdout.WriteLine($"Train: Adam lr {training.Adam.LearningRate.ToString(CultureInfo.InvariantCulture)}, batch {training.BatchSize}, {training.Epochs} epochs, "
                + $"{(training.Shuffle ? "shuffled" : "in order")}, seed {training.Seed}");

            progress.Show("initialising the weights and the engine…");
            var epochLines = new EpochProgress(stdout, progress);
            TrainingResult forecast;
            // The history is a log, not an all-or-nothing output: in place from here on, a line per finished epoch.
            using (var log = historyPath is null ? null : new CsvLogger(outputs.OpenLog(historyPath)))
                forecast = job.Run(prepared, e => { log?.Log(e); epochLines.Report(e); }, epochLines.Batch);
            progress.Clear();
            if (forecast.History.RestoredEpoch is { } best)
                stdout.WriteLine(forecast.History.StoppedEarly
                    ? $"Early stopping after epoch {forecast.History.Epochs.Count}: restored the weights of epoch {best}"
                    : $"Restored the weights of the best epoch, {best}");
            WriteErrors(stdout, forecast, series.Name, windowing.TimeSteps);
            stdout.WriteLine($"Engine setup: {Figures.Ms(forecast.EngineSetup)} on {forecast.EngineName} (device, buffers, kernel or JIT compilation; not in the training time); initial weights: "
                + (job.InitialWeights is null ? $"{Figures.Ms(forecast.InitializationTime)} (orthogonal {string.Join(", ", spec.Units.Select(u => $"{u}×{u}"))})" : "loaded"));
            stdout.WriteLine($"Training time: {Figures.Ms(forecast.History.Elapsed)} on {forecast.EngineName} ({forecast.History.Steps} steps)");
            if (forecast.EngineName != "scalar" && !result.GetValue(noBaseline))
            {
                // The baseline must not silently double a long run: by default it times about a second of the same
                // training on the scalar engine and scales that to the whole run, and says so.
                progress.Show("timing the same training on the scalar engine…");
                var sample = job with { Engine = EngineKind.Scalar, Training = training with { TimeLimit = BaselineOption.BudgetOf(result, baselineMode) } };
                var baseline = sample.Run(prepared).History;
                progress.Clear();
                stdout.WriteLine(BaselineLine(baseline, forecast.History, forecast.EngineName));
            }
            progress.Show("plotting and writing the outputs…");
            plotting.Wait();
            var residuals = savePath is null ? null : HeldOutResiduals.Of(forecast); // the held-out errors for forecast --interval
            if (savePath is not null)
                ModelFile.Save(savePath, new SavedModel(spec, forecast.Parameters, forecast.Data.Scaler, series.Name, result.GetValue(data.Data),
                    TrainingRecord.Of(training, forecast.History)) { Inputs = forecast.Data.Columns.SavedInputs }.WithDates(series, data.Dates(result)) with { Residuals = residuals }, outputs.Write);
            // The two figures render at once (the other core is idle by now), and are staged in the order they always
            // were, the forecast first: outputs are committed in staging order, which a reader of two FIFOs relies on.
            var staging = new Lock();
            var forecastStaged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (plotPath is null) forecastStaged.SetResult();
            void StageForecast(string path, Action<Stream> write) { lock (staging) outputs.Write(path, write); forecastStaged.TrySetResult(); }
            void StageLoss(string path, Action<Stream> write) { forecastStaged.Task.Wait(); lock (staging) outputs.Write(path, write); }
            bool lossPlotted = lossPlotFormat is not null && forecast.History.Epochs.Count > 0;
            var lossPlotting = lossPlotted ? Task.Run(() => LossPlot.Save(lossPlotPath!, forecast, write: StageLoss, format: lossPlotFormat)) : Task.CompletedTask;
            try
            {
                if (plotPath is not null)
                    PredictionPlot.Save(plotPath, forecast, result.GetValue(plotOriginal), write: StageForecast, last: lastWindows, format: plotFormat);
            }
            catch
            {
                forecastStaged.TrySetResult();
                lossPlotting.ContinueWith(_ => { }).Wait(); // it must not stage a file while the failed command cleans up
                throw;
            }
            forecastStaged.TrySetResult();
            lossPlotting.GetAwaiter().GetResult(); // its exception, if any, as if it had run here
            outputs.Commit(); // all of them or, had anything failed above, none
            progress.Clear();
            if (savePath is not null) stdout.WriteLine($"Saved: {savePath}");
            if (savePath is not null) stdout.WriteLine(IntervalOption.Saved(residuals, oneColumn: spec.Features == 1));
            if (plotPath is not null) stdout.WriteLine($"Plot:  {plotPath}");
            if (lossPlotted) stdout.WriteLine($"Loss:  {lossPlotPath}");
            if (historyPath is not null) stdout.WriteLine($"History: {historyPath}");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// RMSE and MAE of the train and test windows, then the naive last-value forecast's on the same windows, and how
    /// the model compares with it on the test windows (the train windows when there are none).
    /// </summary>
    static void WriteErrors(TextWriter o, TrainingResult result, string series, int timeSteps)
    {
        Evaluation train = result.TrainEvaluation, test = result.TestEvaluation;
        string noTest = $"n/a (the test part, {result.Data.Series.Length - result.Data.Split} values, makes no window of {timeSteps} steps)";
        o.WriteLine($"Train RMSE: {ErrorLines.Figures(train.Model, series)}");
        o.WriteLine($"Test RMSE:  {(test.Windows == 0 ? noTest : ErrorLines.Figures(test.Model, series))}");
        o.WriteLine($"Naive train RMSE: {ErrorLines.Figures(train.Naive, series)}");
        if (test.Windows > 0) o.WriteLine($"Naive test RMSE:  {ErrorLines.Figures(test.Naive, series)}");
        o.WriteLine(test.Windows > 0 ? ErrorLines.Versus(test, "the test windows") : ErrorLines.Versus(train, "the train windows"));
    }

    /// <summary>
    /// Below this, a training's time says more about the process than the engine: the engine trains first, in a cold
    /// process (caches, first allocations, code not yet promoted), the baseline after it. The tutorial's 20 epochs take
    /// 4.3 ms on simd and 5.5 on scalar once warm (1.3×), but about 10 against 6 as `train` times them.
    /// </summary>
    static readonly TimeSpan ShortRun = TimeSpan.FromMilliseconds(50);

    const string ShortRunCaveat = "; both runs are under 50 ms, where the process's own warm-up, which the engine's run bears, weighs more than the engines (bench times them warm)";

    /// <summary>The scalar baseline beside the engine's time: measured whole, or estimated from the steps it timed.</summary>
    internal static string BaselineLine(TrainingHistory scalar, TrainingHistory engine, string engineName)
    {
        if (!scalar.StoppedByTimeLimit)
            return $"Baseline: {Figures.Ms(scalar.Elapsed)} on scalar (same seed and data); speed-up on {engineName}: "
                + $"{(scalar.Elapsed / engine.Elapsed).ToString("G3", CultureInfo.InvariantCulture)}× (scalar time / {engineName} time)"
                + (scalar.Elapsed < ShortRun && engine.Elapsed < ShortRun ? ShortRunCaveat : "");
        if (scalar.Steps == 0) return "Baseline: n/a (the scalar engine took no step within its time budget; --baseline full times the whole run)";
        var estimate = scalar.Elapsed / scalar.Steps * engine.Steps;
        return $"Baseline: ≈{Figures.Ms(estimate)} on scalar, estimated from {scalar.Steps} of the run's {engine.Steps} steps, timed in {Figures.Ms(scalar.Elapsed)} "
            + $"(--baseline full times it all); speed-up on {engineName}: ≈{(estimate / engine.Elapsed).ToString("G3", CultureInfo.InvariantCulture)}×";
    }
}
