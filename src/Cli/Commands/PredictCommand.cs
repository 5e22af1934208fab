namespace GpuRnn.Cli.Commands;

/// <summary>
/// <c>gpurnn predict</c>: a saved model's one-step predictions over a series, in original units, as CSV; its RMSE and
/// MAE beside the naive last-value forecast's on stderr.
/// </summary>
static class PredictCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new SavedModelOptions();
        var data = new DataOptions();
        var stride = new Option<int?>("--stride") { Description = "distance between consecutive targets (default: the model's time steps)" };
        var output = CsvOutput.Create("index,actual,predicted");
        var command = new Command("predict", "Print a saved model's predictions for every window of a series as CSV (index,actual,predicted, original units); errors on stderr") { stride, output };
        model.AddTo(command);
        data.AddTo(command);
        command.SetAction(result =>
        {
            string? outputPath = result.GetValue(output);
            using var progress = Progress.For(stderr);
            progress.Show("reading the model and the series…");
            var saved = model.Load(result);
            using var outputs = model.Plan(result, data, saved).Output("--output", outputPath).Check(); // before the series is read
            var (read, warning) = model.ColumnsFor(result, data, saved);
            var (series, scaler) = (read.Target, read.TargetScaler);
            int steps = saved.Spec.TimeSteps, between = result.GetValue(stride) ?? steps;
            var windows = read.Windows(0, read.Length, steps, between);
            if (windows.Count == 0) throw new GpuRnnInputException($"the series is too short: {series.Length} values make no window of {steps} steps");
            var targets = new int[windows.Count];
            for (int i = 0; i < targets.Length; i++) targets[i] = steps + i * between;
            progress.Show("predicting…");
            using var engine = new ScalarEngine<float>(saved.Spec);
            engine.SetParameters(saved.Parameters);
            var predictions = engine.Predict(windows);

            // The first column is where each row sits in the series: the place for another key (a date) later.
            var columns = new CsvColumns<int>()
                .Add(series.Dates is null ? "index" : "date", i => series.Dates?.Format(targets[i]) ?? targets[i].ToString(CultureInfo.InvariantCulture))
                .Add("actual", i => Figures.Exact(series.Values[targets[i]]))
                .Add("predicted", i => Figures.Predicted(scaler.Inverse(predictions[i]), scaler.Range));
            CsvOutput.Write(columns, Enumerable.Range(0, windows.Count), outputPath, outputs, stdout);
            outputs.Commit();
            progress.Clear();
            if (warning is not null) stderr.WriteLine(warning);

            var evaluation = Evaluation.Of(predictions, windows, series.Values, targets, scaler);
            stderr.WriteLine($"Predicted {windows.Count} windows of {steps} steps (stride {between}) of {series.Source}, {DataOptions.Describe(read.Inputs, series)}");
            stderr.WriteLine($"Model RMSE: {ErrorLines.Figures(evaluation.Model, series.Name)}");
            stderr.WriteLine($"Naive RMSE: {ErrorLines.Figures(evaluation.Naive, series.Name)}");
            stderr.WriteLine(ErrorLines.Versus(evaluation, "these windows"));
            if (outputPath is not null) stderr.WriteLine($"CSV: {outputPath}");
            return 0;
        });
        return command;
    }
}
