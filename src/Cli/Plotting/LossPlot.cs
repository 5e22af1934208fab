using GpuRnn.Training;
using ScottPlot;

namespace GpuRnn.Cli.Plotting;

/// <summary>The loss per epoch (and the validation loss when there is one), as Keras's history plots show it.</summary>
public static class LossPlot
{
    /// <summary>forecast.png → forecast.loss.png, in the same folder.</summary>
    public static string PathBeside(string plotPath) =>
        Path.Combine(Path.GetDirectoryName(plotPath) ?? "", Path.GetFileNameWithoutExtension(plotPath) + ".loss.png");

    public static void Save(string path, TrainingHistory history, int width = 900, int height = 500, Action<string, Action<Stream>>? write = null)
    {
        EmbeddedFonts.Register();
        var plot = new Plot();
        var epochs = history.Epochs.Select(e => (double)e.Epoch).ToArray();
        var (lossXs, lossYs) = Decimation.Thin(epochs, [.. history.Epochs.Select(e => e.Loss)], width);
        var loss = plot.Add.ScatterLine(lossXs, lossYs, PredictionPlot.ActualColor);
        loss.LegendText = "loss (train)";
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
        plot.Title("Mean squared error per epoch (scaled units)");
        plot.XLabel("Epoch");
        plot.YLabel("MSE");
        plot.ShowLegend(Alignment.UpperRight);
        var png = plot.GetImageBytes(width, height, ImageFormat.Png);
        (write ?? AtomicFile.Write)(path, s => s.Write(png)); // a command passes its OutputSet, to commit every output together
    }
}
