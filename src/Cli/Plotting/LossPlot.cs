using ScottPlot;
using ScottPlot.TickGenerators;

namespace GpuRnn.Cli.Plotting;

/// <summary>
/// The loss per epoch (and the validation loss when there is one), as Keras's history plots show it: whole epochs
/// on the x axis, the series and model named as the fit plot names them, the lines named as the epoch lines and
/// <c>--history</c>'s columns (<c>loss</c>, <c>val_loss</c>).
/// </summary>
public static class LossPlot
{
    /// <summary>forecast.png → forecast.loss.png, forecast.svg → forecast.loss.svg, in the same folder.</summary>
    public static string PathBeside(string plotPath) => FigureFile.Beside(plotPath, ".loss");

    public static void Save(string path, TrainingResult result, int width = 900, int height = 500, Action<string, Action<Stream>>? write = null, FigureFormat? format = null)
    {
        EmbeddedFonts.Register();
        var history = result.History;
        string series = result.Data.Series.Name;
        var plot = new Plot();
        var epochs = history.Epochs.Select(e => (double)e.Epoch).ToArray();
        var (lossXs, lossYs) = Decimation.Thin(epochs, [.. history.Epochs.Select(e => e.Loss)], width);
        var loss = plot.Add.ScatterLine(lossXs, lossYs, PredictionPlot.ActualColor);
        loss.LegendText = "loss";
        loss.LineWidth = 2;
        if (history.Epochs.All(e => e.ValidationLoss is not null))
        {
            var (validationXs, validationYs) = Decimation.Thin(epochs, [.. history.Epochs.Select(e => e.ValidationLoss!.Value)], width);
            var validation = plot.Add.ScatterLine(validationXs, validationYs, PredictionPlot.PredictedColor);
            validation.LegendText = "val_loss";
            validation.LineWidth = 2;
        }
        if (history.RestoredEpoch is { } best)
        {
            var line = plot.Add.VerticalLine(best, 1, Colors.Gray);
            line.LegendText = $"restored epoch {best}";
        }
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.Title($"{series}: loss per epoch, {PlotText.Model(result.Spec)}");
        plot.XLabel("Epoch");
        plot.YLabel($"Mean squared error ({series} scaled to [0, 1])");
        plot.ShowLegend(Alignment.UpperRight);
        FigureFile.Save(path, plot, width, height, format, write);
    }
}
