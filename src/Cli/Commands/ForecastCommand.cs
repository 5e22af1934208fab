using System.CommandLine;
using System.Globalization;
using GpuRnn.Cli.Plotting;
using GpuRnn.Training;
using GpuRnn.Training.Data;
using GpuRnn.Training.Files;
using GpuRnn.Training.Intervals;

namespace GpuRnn.Cli.Commands;

/// <summary><c>gpurnn forecast</c>: a recursive multi-step forecast past the end of the series.</summary>
static class ForecastCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new SavedModelOptions();
        var data = new DataOptions();
        var horizon = new Option<int>("--horizon") { Description = "how many steps past the end of the series to forecast", Required = true, HelpName = "N" };
        var plot = new Option<string>("--plot") { Description = "PNG of the history followed by the forecast", DefaultValueFactory = _ => "forecast-ahead.png", HelpName = "FILE" };
        var noPlot = new Option<bool>("--no-plot") { Description = "do not draw the plot" };
        var interval = new IntervalOption();
        var command = new Command("forecast", "Forecast N steps past the end of a series, feeding each prediction back in (original units)") { horizon, plot, noPlot, interval.Coverage };
        model.AddTo(command);
        data.AddTo(command);
        command.SetAction(result =>
        {
            string? plotPath = result.GetValue(noPlot) ? null : result.GetValue(plot);
            var coverage = interval.Asked(result);
            using var progress = Progress.For(stderr);
            progress.Show("reading the model and the series…");
            var (saved, series, scaler) = model.LoadWithSeries(result, data);
            using var outputs = new FilePlan()
                .Input("--model", result.GetValue(model.Model)).Input("--data", result.GetValue(data.Data) ?? saved.DataPath)
                .Output("--plot", plotPath)
                .Check();
            // The series' own dates, else those the model remembers of its own series (a file read again without them).
            var dates = series.Dates?.End ?? (result.GetValue(data.Data) is null ? saved.Dates : null);
            var residuals = coverage is { } q ? IntervalOption.Residuals(saved, result.GetValue(horizon), q) : null; // refused before the work
            var ahead = dates?.Continue(Math.Clamp(result.GetValue(horizon), 0, 1_000_000)); // a calendar past year 9999 is refused before the work
            var forecast = Forecasting.Recursive(saved, scaler, series.Values, result.GetValue(horizon));
            var intervals = residuals is null ? null : ForecastIntervals.Conformal(forecast, residuals, coverage!.Value);
            progress.Clear();
            stdout.WriteLine($"Forecast of {series.Name} for {forecast.Length} step(s) after the {series.Length} values of {series.Source}");
            if (residuals is not null) stdout.WriteLine(IntervalOption.Describe(residuals, coverage!.Value, forecast.Length));
            stdout.WriteLine((ahead is null ? "step,index,forecast" : "date,step,forecast") + IntervalOption.Header(intervals));
            for (int k = 0; k < forecast.Length; k++)
                stdout.WriteLine($"{(ahead is null ? $"{k + 1},{series.Length + k}" : $"{dates!.Format(ahead[k])},{k + 1}")},{Figures.Predicted(forecast[k], scaler.Range)}" + IntervalOption.Cells(intervals, k, scaler.Range));
            if (plotPath is not null)
            {
                progress.Show("plotting…");
                ForecastAheadPlot.Save(plotPath, series, forecast, write: outputs.Write, dates: dates, band: intervals is null ? null : new ForecastBand(intervals, coverage!.Value));
                outputs.Commit();
                progress.Clear();
                stdout.WriteLine($"Plot: {plotPath}");
            }
            return 0;
        });
        return command;
    }
}
