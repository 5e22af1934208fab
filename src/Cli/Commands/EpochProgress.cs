using GpuRnn.Training;

namespace GpuRnn.Cli.Commands;

/// <summary>
/// Shows each epoch as it ends: one line per epoch (loss, val_loss, time) on stdout always, as a record of the run,
/// and on a terminal a live bar of epochs under way on stderr (see <see cref="Progress"/>).
/// </summary>
sealed class EpochProgress(TextWriter lines, Progress progress)
{
    public void Report(EpochReport e)
    {
        string epoch = $"Epoch {e.Epoch.ToString().PadLeft(e.Epochs.ToString().Length)}/{e.Epochs}";
        string losses = $"loss {e.Loss:F6}" + (e.ValidationLoss is { } v ? $"  val_loss {v:F6}" : "");
        progress.Clear();
        lines.WriteLine($"{epoch}  {losses}  {Figures.Ms(e.Elapsed)}");
        progress.Bar(e.Epoch, e.Epochs, "epochs");
    }
}
