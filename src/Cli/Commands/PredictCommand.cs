using System.CommandLine;
using System.Globalization;
using GpuRnn.Training;
using GpuRnn.Training.Data;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Model;

namespace GpuRnn.Cli.Commands;

/// <summary><c>gpurnn predict</c>: a saved model's one-step predictions over a series, in original units.</summary>
static class PredictCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new SavedModelOptions();
        var data = new DataOptions();
        var stride = new Option<int?>("--stride") { Description = "distance between consecutive targets (default: the model's time steps)" };
        var command = new Command("predict", "Print a saved model's predictions for every window of a series, in the series' original units") { stride };
        model.AddTo(command);
        data.AddTo(command);
        command.SetAction(result =>
        {
            using var progress = Progress.For(stderr);
            progress.Show("reading the model and the series…");
            var (saved, columns) = model.LoadWithColumns(result, data);
            var (series, scaler) = (columns.Target, columns.TargetScaler);
            int steps = saved.Spec.TimeSteps;
            var windows = columns.Windows(0, columns.Length, steps, result.GetValue(stride) ?? steps);
            if (windows.Count == 0) throw new GpuRnnInputException($"the series is too short: {series.Length} values make no window of {steps} steps");
            using var engine = new ScalarEngine<float>(saved.Spec);
            engine.SetParameters(saved.Parameters);
            var predictions = engine.Predict(windows);
            int stepBetween = result.GetValue(stride) ?? steps;
            progress.Clear();
            stdout.WriteLine("index,actual,predicted");
            for (int i = 0; i < windows.Count; i++)
            {
                int target = steps + i * stepBetween;
                stdout.WriteLine($"{target},{Figures.Exact(series.Values[target])},{Figures.Predicted(scaler.Inverse(predictions[i]), scaler.Range)}");
            }
            return 0;
        });
        return command;
    }
}
