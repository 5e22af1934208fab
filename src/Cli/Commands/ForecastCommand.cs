using GpuRnn.Cli.Plotting;

namespace GpuRnn.Cli.Commands;

/// <summary><c>gpurnn forecast</c>: a recursive multi-step forecast past the end of the series, as CSV.</summary>
static class ForecastCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new SavedModelOptions();
        var data = new DataOptions();
        var horizon = new Option<int>("--horizon") { Description = "how many steps past the end of the series to forecast", Required = true, HelpName = "N" };
        var plot = new Option<string>("--plot") { Description = "figure of the history followed by the forecast: PNG or SVG, as the name ends (.png, .svg)", DefaultValueFactory = _ => "forecast-ahead.png", HelpName = "FILE" };
        var plotLast = PlotLastOption.Create("draw only the last N values of the history (default: the last 240, or 4 × the horizon if more)");
        var noPlot = new Option<bool>("--no-plot") { Description = "do not draw the plot" };
        var interval = new IntervalOption();
        var output = CsvOutput.Create("step,index,forecast (and lower,upper with --interval)");
        var future = FutureInputs.Option();
        var command = new Command("forecast", "Forecast N steps past the end of a series, feeding each prediction back in, as CSV (step,index,forecast, original units)")
            { horizon, plot, plotLast, noPlot, interval.Coverage, output, future };
        model.AddTo(command);
        data.AddTo(command);
        command.SetAction(result =>
        {
            string? plotPath = result.GetValue(noPlot) ? null : result.GetValue(plot);
            var coverage = interval.Asked(result);
            string? outputPath = result.GetValue(output);
            using var progress = Progress.For(stderr);
            progress.Show("reading the model and the series…");
            var saved = model.Load(result);
            using var outputs = model.Plan(result, data, saved).Input("--future", result.GetValue(future))
                .Output("--plot", plotPath).Output("--output", outputPath).Check(); // before the series is read
            var plotFormat = plotPath is null ? (FigureFormat?)null : FigureFile.FormatOf("--plot", plotPath);
            int? history = PlotLastOption.Get(result, plotLast);
            var (read, warning) = model.ColumnsFor(result, data, saved);
            var (series, scaler) = (read.Target, read.TargetScaler);
            // The series' own dates, else those the model remembers of its own series (a file read again without them).
            var dates = series.Dates?.End ?? (result.GetValue(data.Data) is null ? saved.Dates : null);
            var residuals = coverage is { } q ? IntervalOption.Residuals(saved, result.GetValue(horizon), q) : null; // refused before the work
            var ahead = dates?.Continue(Math.Clamp(result.GetValue(horizon), 0, 1_000_000)); // a calendar past year 9999 is refused before the work
            var given = FutureInputs.Load(result.GetValue(future), read, result.GetValue(horizon));
            var forecast = Forecasting.Recursive(saved, read, result.GetValue(horizon), given);
            var intervals = residuals is null ? null : ForecastIntervals.Conformal(forecast, residuals, coverage!.Value);

            // The first columns say where each value falls: its date (dated series) or its index, and the step ahead.
            var columns = ahead is null
                ? new CsvColumns<int>()
                    .Add("step", k => (k + 1).ToString(CultureInfo.InvariantCulture))
                    .Add("index", k => (series.Length + k).ToString(CultureInfo.InvariantCulture))
                : new CsvColumns<int>()
                    .Add("date", k => dates!.Format(ahead[k]))
                    .Add("step", k => (k + 1).ToString(CultureInfo.InvariantCulture));
            columns.Add("forecast", k => Figures.Predicted(forecast[k], scaler.Range));
            IntervalOption.AddTo(columns, intervals, scaler.Range);
            CsvOutput.Write(columns, Enumerable.Range(0, forecast.Length), outputPath, outputs, stdout);
            if (plotPath is not null)
            {
                progress.Show("plotting…");
                ForecastAheadPlot.Save(plotPath, series, forecast, write: outputs.Write, history: history, format: plotFormat, dates: dates,
                    band: intervals is null ? null : new ForecastBand(intervals, coverage!.Value));
            }
            outputs.Commit(); // the CSV and the plot together, or neither
            progress.Clear();
            if (warning is not null) stderr.WriteLine(warning);
            stderr.WriteLine($"Forecast of {series.Name} for {forecast.Length} step(s) after the {series.Length} values of {series.Source}");
            if (residuals is not null) stderr.WriteLine(IntervalOption.Describe(residuals, coverage!.Value, forecast.Length));
            if (outputPath is not null) stderr.WriteLine($"CSV:  {outputPath}");
            if (plotPath is not null) stderr.WriteLine($"Plot: {plotPath}");
            return 0;
        });
        return command;
    }
}
