using System.Text;
using GpuRnn.Training.Sweep;

namespace GpuRnn.Cli.Commands;

/// <summary><c>gpurnn sweep</c>: a grid of configurations trained together, ranked by validation RMSE.</summary>
static class SweepCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new DataOptions();
        var hidden = new Option<string>("--hidden", "--units") { Description = "hidden sizes to try (as train's --hidden/--units)", DefaultValueFactory = _ => "2,3,8", HelpName = "N,N,…" };
        var steps = new Option<string>("--time-steps") { Description = "window lengths to try", DefaultValueFactory = _ => "6,12,24", HelpName = "N,N,…" };
        var seeds = new Option<string>("--seeds") { Description = "seeds to try", DefaultValueFactory = _ => "1,2,3", HelpName = "N,N,…" };
        var rates = new Option<string>("--learning-rates", "--lrs") { Description = "Adam learning rates to try", DefaultValueFactory = _ => "0.001,0.01", HelpName = "R,R,…" };
        var activation = new Option<string>("--activation") { Description = "SimpleRNN activation", DefaultValueFactory = _ => "tanh" };
        var outputActivation = new Option<string>("--output-activation") { Description = "Dense activation", DefaultValueFactory = _ => "tanh" };
        var epochs = new Option<int>("--epochs") { Description = "epochs per model", DefaultValueFactory = _ => 20 };
        var batchSize = new Option<int>("--batch-size") { Description = "windows per step", DefaultValueFactory = _ => 1 };
        var split = new Option<double>("--split") { Description = "training fraction of the series", DefaultValueFactory = _ => 0.8 };
        var validationSplit = new Option<double>("--validation-split") { Description = "fraction of the training windows held out to rank the models", DefaultValueFactory = _ => 0.2 };
        var csv = new Option<string>("--csv") { Description = "write every configuration's results as CSV", DefaultValueFactory = _ => "sweep.csv", HelpName = "FILE" };
        var saveBest = new Option<string?>("--save-best") { Description = "save the best model (as 'train --save' does)", HelpName = "FILE" };
        var top = new Option<int>("--top") { Description = "rows of the table to print", DefaultValueFactory = _ => 10 };
        var noBaseline = new Option<bool>("--no-baseline") { Description = "skip timing the same grid one model at a time" };
        var baselineMode = BaselineOption.Create("the same grid one model at a time");
        var accelerator = AcceleratorOption.Create();
        var outDir = new Option<string?>("--out") { Description = "with --shard (or a Slurm or Kubernetes array): the folder for this shard's result, shard-I-of-N.csv and its best model (made when missing)", HelpName = "DIR" };
        var sharding = new ShardOptions();
        var command = new Command("sweep", "Train a grid of configurations (hidden sizes × time steps × seeds × learning rates) at once and rank them by validation RMSE");
        data.AddTo(command);
        foreach (Option o in (Option[])[hidden, steps, seeds, rates, activation, outputActivation, epochs, batchSize, split, validationSplit, csv, saveBest, top, noBaseline, baselineMode, accelerator, outDir, .. sharding.All])
            command.Options.Add(o);
        command.SetAction(result =>
        {
            var grid = new SweepGrid(ListOption.Parse<int>(result.GetValue(hidden)!, "--hidden"), ListOption.Parse<int>(result.GetValue(steps)!, "--time-steps"),
                ListOption.Parse<int>(result.GetValue(seeds)!, "--seeds"), ListOption.Parse<float>(result.GetValue(rates)!, "--learning-rates")).Validated();
            var template = new ModelSpec(1, [1], 1, ActivationNames.Parse(result.GetValue(activation)!), ActivationNames.Parse(result.GetValue(outputActivation)!), 1);
            var training = new TrainingOptions { Epochs = result.GetValue(epochs), BatchSize = result.GetValue(batchSize), ValidationSplit = result.GetValue(validationSplit) }.Validated();
            if (result.GetValue(top) < 1) throw new GpuRnnInputException("--top must be at least 1");
            string csvPath = result.GetValue(csv)!;
            string? bestPath = result.GetValue(saveBest);
            if (sharding.Resolve(result) is { } shard) return RunShard(result, command, shard, grid, template, training, data, split, result.GetValue(outDir), accelerator, top, stdout, stderr);
            if (result.GetValue(outDir) is not null) throw new GpuRnnInputException("--out is where a shard writes its result: give --shard i/n (or run in a job array), or --csv FILE for the whole sweep");
            using var outputs = new FilePlan().Input("--data", result.GetValue(data.Data))
                .Output("--csv", csvPath).Output("--save-best", bestPath)
                .Check(); // before anything is trained or printed
            using var progress = Progress.For(stderr);
            progress.Show($"reading {result.GetValue(data.Data) ?? "the embedded sunspots"}…");
            var (inputs, series) = data.LoadColumns(result, data.Choice(result) ?? ColumnChoice.Default);
            var runner = new SweepRunner(series, (template with { Features = inputs.Count }).Validated(), new WindowingOptions(SplitFraction: result.GetValue(split)), training) { Inputs = inputs };
            foreach (var t in grid.TimeSteps) // refuse a too-short series for any window length before training anything
                Trainer.CheckHoldOut(ForecastData.Prepare(inputs, series, new WindowingOptions(t, null, result.GetValue(split))).Train.Count, training.ValidationSplit);

            var kind = AcceleratorOption.Parse(result.GetValue(accelerator)!);
            EngineFactory.EnsureAvailable(kind); // an absent accelerator fails here, before any output
            // The comparison: the same engine one model at a time, then the scalar reference (nothing to compare the reference with).
            EngineKind[] baselines = result.GetValue(noBaseline) || EngineFactory.Resolve(kind) == EngineKind.Scalar ? [] : [kind, EngineKind.Scalar];
            progress.Clear();
            stdout.WriteLine($"Sweep: {grid.Count} configurations ({grid.Hidden.Count} hidden × {grid.TimeSteps.Count} time steps × {grid.Seeds.Count} seeds × {grid.LearningRates.Count} learning rates), {training.Epochs} epochs each, on {series.Source}");
            progress.Show($"training {grid.Count} configurations together…");
            var sweep = runner.Run(grid, kind);
            progress.Clear();
            stdout.WriteLine($"Trained in {Figures.Ms(sweep.Elapsed)} ({sweep.TrainerName})");
            // The grid's results are the run's record: in place before the optional comparison, so Ctrl-C there loses nothing.
            outputs.Keep(csvPath, s => { using var w = new StreamWriter(s); w.Write(SweepShards.Ranked(sweep)); });
            stdout.WriteLine($"CSV:   {csvPath}");
            try
            {
                foreach (var baseline in baselines)
                {
                    progress.Show("training them one at a time, for comparison…");
                    var alone = runner.TrainAlone(grid, baseline, BaselineOption.BudgetOf(result, baselineMode));
                    progress.Clear();
                    stdout.WriteLine(ComparisonLine(sweep, alone));
                }
                WriteTable(stdout, sweep, result.GetValue(top));
                if (bestPath is not null)
                {
                    var residuals = SaveBest(bestPath, sweep, series, training, data, result, result.GetValue(split), outputs);
                    outputs.Commit();
                    stdout.WriteLine($"Best model: {bestPath}");
                    stdout.WriteLine(IntervalOption.Saved(residuals));
                }
            }
            catch (GpuRnnInputException e)
            {
                throw new GpuRnnInputException($"{e.Message} (the sweep's results are kept in {csvPath})", e);
            }
            return 0;
        });
        return command;
    }

    static void WriteTable(TextWriter o, SweepResult sweep, int top)
    {
        o.WriteLine("rank  hidden  steps  seed  lr       train_rmse  val_rmse  test_rmse");
        foreach (var (e, i) in sweep.Entries.Take(top).Select((e, i) => (e, i)))
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{i + 1,4}  {e.Config.Hidden,6}  {e.Config.TimeSteps,5}  {e.Config.Seed,4}  {e.Config.LearningRate,-7:G4}  {Figures.Rmse(e.TrainRmse),10}  {Figures.Rmse(e.ValidationRmse),8}  {Figures.Rmse(e.TestRmse),9}"));
        var b = sweep.Best.Config;
        o.WriteLine($"Best:  hidden {b.Hidden}, time steps {b.TimeSteps}, seed {b.Seed}, learning rate {b.LearningRate.ToString(CultureInfo.InvariantCulture)}: validation RMSE {Figures.Rmse(sweep.Best.ValidationRmse)}, test RMSE {Figures.Rmse(sweep.Best.TestRmse)} (scaled; train RMSE covers every window before the split, as 'gpurnn train' reports it)");
    }

    /// <summary>The sweep's best model as <c>train --save</c> writes one, with the held-out residuals for <c>--interval</c>.</summary>
    static ForecastResiduals? SaveBest(string path, SweepResult sweep, Series series, TrainingOptions training, DataOptions data, ParseResult result, double split, OutputSet outputs)
    {
        var b = sweep.Best.Config; // trained as the sweep trains every model: its options with this seed and rate, all epochs
        var record = new TrainingRecord(b.Seed, b.LearningRate, training.Epochs, training.Epochs, training.BatchSize, training.ValidationSplit, training.Shuffle);
        var best = new SavedModel(sweep.Best.Spec, sweep.Best.Parameters, sweep.Scaler, series.Name, result.GetValue(data.Data), record) { Inputs = sweep.Inputs }
            .WithDates(series, data.Dates(result));
        // The ranking used validation windows only, so the test part after the split is still held out: it calibrates --interval.
        var residuals = HeldOutResiduals.Measure(best, sweep.Scaler, series.Values,
            ForecastData.Prepare(series, new WindowingOptions(b.TimeSteps, null, split), sweep.Scaler).Split, engine: EngineKind.Simd);
        ModelFile.Save(path, best with { Residuals = residuals }, outputs.Write);
        return residuals;
    }

    /// <summary>
    /// One shard of the grid (its configurations in grid order, <see cref="Shard.Slice"/>): trained as the whole sweep
    /// trains them, written to <c>DIR/shard-&lt;i&gt;-of-&lt;n&gt;.csv</c> with the shard's best model beside it; nothing
    /// trained when this run's result is already there (a requeued task).
    /// </summary>
    static int RunShard(ParseResult result, Command command, Shard shard, SweepGrid grid, ModelSpec template, TrainingOptions training, DataOptions data,
        Option<double> split, string? outPath, Option<string> accelerator, Option<int> top, TextWriter stdout, TextWriter stderr)
    {
        if (outPath is null) throw new GpuRnnInputException($"a sharded sweep ({shard}) writes its result into a folder: give --out DIR");
        string? dataPath = result.GetValue(data.Data);
        if (dataPath is not null) InputFile.EnsureRegular(dataPath, "data file");
        string run = ShardOptions.RunHash(result, command, shard, dataPath, "--out", "--csv", "--save-best", "--top", "--no-baseline", "--baseline");
        using var folder = OutputFolder.Plan("--out", outPath)!;
        string resultPath = folder.File(shard.FileName()), bestPath = folder.File(shard.FileName(SweepShards.BestExtension));
        if (ShardFile.IsDone(resultPath, SweepShards.Kind, run))
        {
            folder.Kept();
            stdout.WriteLine($"Shard {shard.Index} of {shard.Count}: already done ({resultPath}, same options and data): nothing to train");
            return 0;
        }
        var (start, length) = shard.Slice(grid.Count);
        var configs = grid.Configs().Skip(start).Take(length).ToList();
        using var outputs = new FilePlan().Input("--data", dataPath).Output("--out", resultPath).Output("--out", configs.Count > 0 ? bestPath : null).Check();
        var (inputs, series) = data.LoadColumns(result, data.Choice(result) ?? ColumnChoice.Default);
        var runner = new SweepRunner(series, (template with { Features = inputs.Count }).Validated(), new WindowingOptions(SplitFraction: result.GetValue(split)), training) { Inputs = inputs };
        var kind = AcceleratorOption.Parse(result.GetValue(accelerator)!);
        EngineFactory.EnsureAvailable(kind);
        stdout.WriteLine($"Sweep: {shard}: configurations {start}–{start + length - 1} of {grid.Count}, {training.Epochs} epochs each, on {series.Source}");
        if (configs.Count == 0)
        {
            outputs.WriteAllText(resultPath, ShardFile.Text(new ShardHeader(SweepShards.Kind, shard, run, 0), "config,hidden,time_steps,seed,learning_rate,train_rmse,val_rmse,test_rmse\n"));
        }
        else
        {
            using var progress = Progress.For(stderr);
            progress.Show($"training {configs.Count} configurations together…");
            var sweep = runner.Run(configs, kind);
            progress.Clear();
            stdout.WriteLine($"Trained in {Figures.Ms(sweep.Elapsed)} ({sweep.TrainerName})");
            outputs.WriteAllText(resultPath, ShardFile.Text(new ShardHeader(SweepShards.Kind, shard, run, configs.Count), SweepShards.Shard(sweep, start)));
            SaveBest(bestPath, sweep, series, training, data, result, result.GetValue(split), outputs);
            WriteTable(stdout, sweep, result.GetValue(top));
        }
        outputs.Commit();
        folder.Kept();
        stdout.WriteLine($"Saved: {resultPath} (gpurnn merge {folder.Path} joins the shards)");
        return 0;
    }

    /// <summary>The grid one model at a time beside the sweep: timed whole, or estimated from the models it timed; and
    /// how far those models' weights are from the sweep's.</summary>
    static string ComparisonLine(SweepResult sweep, AloneSample alone)
    {
        float maxDifference = alone.Weights.Max(a => sweep.Entries.Single(e => e.Config == a.Key).Parameters.Zip(a.Value).Max(w => MathF.Abs(w.First - w.Second)));
        string weights = maxDifference == 0 ? "identical weights" : $"weights differ by at most {maxDifference.ToString("G3", CultureInfo.InvariantCulture)}";
        string ratio = (alone.Estimate / sweep.Elapsed).ToString("F2", CultureInfo.InvariantCulture);
        return alone.IsWholeGrid
            ? $"One at a time: {Figures.Ms(alone.Elapsed)} ({alone.TrainerName}); speed-up {ratio}×; {weights}"
            : $"One at a time: ≈{Figures.Ms(alone.Estimate)} ({alone.TrainerName}), estimated from {alone.Weights.Count} of {alone.GridCount} models "
              + $"timed in {Figures.Ms(alone.Elapsed)} (--baseline full times them all); speed-up ≈{ratio}×; {weights} on those {alone.Weights.Count}";
    }
}
