using System.CommandLine;
using System.Globalization;
using GpuRnn.Cli.Plotting;
using GpuRnn.Training;
using GpuRnn.Training.Data;
using GpuRnn.Training.Files;

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
        var future = FutureInputs.Option();
        var command = new Command("forecast", "Forecast N steps past the end of a series, feeding each prediction back in (original units)") { horizon, plot, noPlot, future };
        model.AddTo(command);
        data.AddTo(command);
        command.SetAction(result =>
        {
            string? plotPath = result.GetValue(noPlot) ? null : result.GetValue(plot);
            using var progress = Progress.For(stderr);
            progress.Show("reading the model and the series…");
            var (saved, columns) = model.LoadWithColumns(result, data);
            var (series, scaler) = (columns.Target, columns.TargetScaler);
            using var outputs = new FilePlan()
                .Input("--model", result.GetValue(model.Model)).Input("--data", result.GetValue(data.Data) ?? saved.DataPath)
                .Input("--future", result.GetValue(future)).Output("--plot", plotPath)
                .Check();
            var ahead = FutureInputs.Load(result.GetValue(future), columns, result.GetValue(horizon));
            var forecast = Forecasting.Recursive(saved, columns, result.GetValue(horizon), ahead);
            progress.Clear();
            stdout.WriteLine($"Forecast of {series.Name} for {forecast.Length} step(s) after the {series.Length} values of {series.Source}");
            stdout.WriteLine("step,index,forecast");
            for (int k = 0; k < forecast.Length; k++)
                stdout.WriteLine($"{k + 1},{series.Length + k},{Figures.Predicted(forecast[k], scaler.Range)}");
            if (plotPath is not null)
            {
                progress.Show("plotting…");
                ForecastAheadPlot.Save(plotPath, series, forecast, write: outputs.Write);
                outputs.Commit();
                progress.Clear();
                stdout.WriteLine($"Plot: {plotPath}");
            }
            return 0;
        });
        return command;
    }
}
