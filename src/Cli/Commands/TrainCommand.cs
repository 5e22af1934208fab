using System.CommandLine;
using System.Globalization;
using GpuRnn.Cli.Plotting;
using GpuRnn.Training;
using GpuRnn.Training.Data;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Files;
using GpuRnn.Training.Model;

namespace GpuRnn.Cli.Commands;

/// <summary><c>gpurnn train</c>: the tutorial's forecast, with its defaults, on any series.</summary>
static class TrainCommand
{
    public const string DefaultPlot = "forecast.png";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new DataOptions();
        var model = new ModelOptions(defaultUnits: 3, defaultActivation: "tanh");
        var timeSteps = new Option<int>("--time-steps") { Description = "window length (the tutorial's time_steps)", DefaultValueFactory = _ => 12 };
        var stride = new Option<int?>("--stride") { Description = "distance between consecutive targets (default: the window length, i.e. non-overlapping windows as the tutorial)" };
        var split = new Option<double>("--split") { Description = "fraction of the series used for training: split = floor(n · fraction)", DefaultValueFactory = _ => 0.8 };
        var scaleOn = new Option<ScaleFit>("--scale-on") { Description = "fit the MinMax scaler on 'all' of the series (the tutorial) or on the 'train' part only", DefaultValueFactory = _ => ScaleFit.All };
        var epochs = new Option<int>("--epochs") { Description = "passes over the training windows", DefaultValueFactory = _ => 20 };
        var batchSize = new Option<int>("--batch-size") { Description = "windows per gradient step", DefaultValueFactory = _ => 1 };
        var learningRate = new Option<float>("--learning-rate", "--lr") { Description = "Adam's learning rate", DefaultValueFactory = _ => 1e-3f };
        var seed = new Option<int>("--seed") { Description = "seed of the initial weights and of the shuffling", DefaultValueFactory = _ => 1 };
        var noShuffle = new Option<bool>("--no-shuffle") { Description = "visit the windows in order every epoch" };
        var save = new Option<string?>("--save") { Description = "write the trained model (spec, weights in Keras order, scaler) as JSON", HelpName = "FILE" };
        var initWeights = new Option<string?>("--init-weights") { Description = "start from these weights (a gpurnn model or a Keras get_weights() JSON list); with --epochs 0 only evaluates", HelpName = "FILE" };
        var plot = new Option<string>("--plot") { Description = "PNG of actual vs predicted with the split marked", DefaultValueFactory = _ => DefaultPlot, HelpName = "FILE" };
        var noPlot = new Option<bool>("--no-plot") { Description = "do not draw the plot" };
        var plotOriginal = new Option<bool>("--plot-original-units") { Description = "plot in the series' own units instead of the tutorial's scaled [0, 1]" };
        var lossPlot = new Option<string?>("--loss-plot") { Description = "PNG of the loss per epoch (default: beside the plot, FILE.loss.png)", HelpName = "FILE" };
        var validationSplit = new Option<double>("--validation-split") { Description = "hold out this fraction of the training windows (the last ones, before shuffling) to validate each epoch, as Keras's validation_split" };
        var earlyStopping = new Option<int?>("--early-stopping") { Description = "stop after this many epochs without a better validation (else training) loss, and keep the best epoch's weights", HelpName = "PATIENCE" };
        var accelerator = AcceleratorOption.Create();
        var noBaseline = new Option<bool>("--no-baseline") { Description = "do not time the scalar CPU engine on the same work for comparison" };
        var baselineMode = BaselineOption.Create("the same training on the scalar engine (the speed-up's baseline)");

        var command = new Command("train", "Train SimpleRNN + Dense on a series and report train/test RMSE (defaults: the tutorial's sunspots model)");
        data.AddTo(command);
        model.AddTo(command);
        foreach (var o in new Option[] { timeSteps, stride, split, scaleOn, epochs, batchSize, learningRate, seed, noShuffle, save, initWeights, plot, noPlot, plotOriginal, lossPlot, validationSplit, earlyStopping, accelerator, noBaseline, baselineMode })
            command.Options.Add(o);

        command.SetAction(result =>
        {
            var windowing = new WindowingOptions(result.GetValue(timeSteps), result.GetValue(stride), result.GetValue(split), result.GetValue(scaleOn));
            var shape = model.Spec(result, windowing.TimeSteps);
            var training = new TrainingOptions
            {
                Epochs = result.GetValue(epochs),
                BatchSize = result.GetValue(batchSize),
                Shuffle = !result.GetValue(noShuffle),
                Seed = result.GetValue(seed),
                Adam = new AdamOptions(result.GetValue(learningRate)),
                ValidationSplit = result.GetValue(validationSplit),
                EarlyStoppingPatience = result.GetValue(earlyStopping),
            }.Validated();
            string? savePath = result.GetValue(save), initPath = result.GetValue(initWeights);
            string? plotPath = result.GetValue(noPlot) ? null : result.GetValue(plot);
            string? lossPlotPath = result.GetValue(lossPlot) ?? (plotPath is null ? null : LossPlot.PathBeside(plotPath));
            using var outputs = new FilePlan()
                .Input("--data", result.GetValue(data.Data)).Input("--init-weights", initPath)
                .Output("--save", savePath).Output("--plot", plotPath).Output("--loss-plot", lossPlotPath, asked: !result.GetValue(noPlot))
                .Check(); // every output is writable and overwrites no input or other output, before any work
            var plotting = plotPath is not null || lossPlotPath is not null ? PlotWarmup.Start() : Task.CompletedTask;
            using var progress = Progress.For(stderr);
            progress.Show($"reading {result.GetValue(data.Data) ?? "the embedded sunspots"}…");
            var (inputs, series) = data.LoadColumns(result, data.Choice(result) ?? ColumnChoice.Default);
            var spec = (shape with { Features = inputs.Count }).Validated();
            var job = new TrainingRun(series, spec, windowing, training, AcceleratorOption.Parse(result.GetValue(accelerator)!)) { Inputs = inputs };
            if (initPath is not null) job = job with { InitialWeights = WeightsFile.Load(initPath, spec) };

            var prepared = job.Prepare(); // fails fast on a short series or a split that leaves nothing, before any output
            EngineFactory.EnsureAvailable(job.Engine);
            progress.Clear();
            stdout.WriteLine($"Data:  {series.Source}, {DataOptions.Describe(inputs, series)}: {series.Length} values, split {prepared.Split}/{series.Length - prepared.Split}, "
                + $"{prepared.Train.Count} train / {prepared.Test.Count} test windows of {windowing.TimeSteps} (stride {windowing.EffectiveStride})");
            stdout.WriteLine($"Model: {spec}, {spec.Layout().Count} parameters");
            stdout.WriteLine($"Train: Adam lr {training.Adam.LearningRate.ToString(CultureInfo.InvariantCulture)}, batch {training.BatchSize}, {training.Epochs} epochs, "
                + $"{(training.Shuffle ? "shuffled" : "in order")}, seed {training.Seed}");

            progress.Show("initialising the weights and the engine…");
            var forecast = job.Run(prepared, new EpochProgress(stdout, progress).Report);
            progress.Clear();
            if (forecast.History.RestoredEpoch is { } best)
                stdout.WriteLine(forecast.History.StoppedEarly
                    ? $"Early stopping after epoch {forecast.History.Epochs.Count}: restored the weights of epoch {best}"
                    : $"Restored the weights of the best epoch, {best}");
            stdout.WriteLine($"Train RMSE: {Figures.Rmse(forecast.TrainRmse)} (scaled)  {Figures.Rmse(forecast.TrainRmseOriginal)} ({series.Name}, original units)");
            stdout.WriteLine(forecast.Data.Test.Count == 0
                ? $"Test RMSE:  n/a (the test part, {series.Length - forecast.Data.Split} values, makes no window of {windowing.TimeSteps} steps)"
                : $"Test RMSE:  {Figures.Rmse(forecast.TestRmse)} (scaled)  {Figures.Rmse(forecast.TestRmseOriginal)} ({series.Name}, original units)");
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
            if (savePath is not null)
                ModelFile.Save(savePath, new SavedModel(spec, forecast.Parameters, forecast.Data.Scaler, series.Name, result.GetValue(data.Data),
                    TrainingRecord.Of(training, forecast.History)) { Inputs = forecast.Data.Columns.SavedInputs }, outputs.Write);
            if (plotPath is not null)
                PredictionPlot.Save(plotPath, forecast, result.GetValue(plotOriginal), write: outputs.Write);
            bool lossPlotted = lossPlotPath is not null && forecast.History.Epochs.Count > 0;
            if (lossPlotted)
                LossPlot.Save(lossPlotPath!, forecast.History, write: outputs.Write);
            outputs.Commit(); // all of them or, had anything failed above, none
            progress.Clear();
            if (savePath is not null) stdout.WriteLine($"Saved: {savePath}");
            if (plotPath is not null) stdout.WriteLine($"Plot:  {plotPath}");
            if (lossPlotted) stdout.WriteLine($"Loss:  {lossPlotPath}");
            return 0;
        });
        return command;
    }

    /// <summary>The scalar baseline beside the engine's time: measured whole, or estimated from the steps it timed.</summary>
    static string BaselineLine(TrainingHistory scalar, TrainingHistory engine, string engineName)
    {
        if (!scalar.StoppedByTimeLimit)
            return $"Baseline: {Figures.Ms(scalar.Elapsed)} on scalar (same seed and data); speed-up on {engineName}: "
                + $"{(scalar.Elapsed / engine.Elapsed).ToString("G3", CultureInfo.InvariantCulture)}× (scalar time / {engineName} time)";
        if (scalar.Steps == 0) return "Baseline: n/a (the scalar engine took no step within its time budget; --baseline full times the whole run)";
        var estimate = scalar.Elapsed / scalar.Steps * engine.Steps;
        return $"Baseline: ≈{Figures.Ms(estimate)} on scalar, estimated from {scalar.Steps} of the run's {engine.Steps} steps, timed in {Figures.Ms(scalar.Elapsed)} "
            + $"(--baseline full times it all); speed-up on {engineName}: ≈{(estimate / engine.Elapsed).ToString("G3", CultureInfo.InvariantCulture)}×";
    }
}
