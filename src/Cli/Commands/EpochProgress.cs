using System.Diagnostics;

namespace GpuRnn.Cli.Commands;

/// <summary>
/// Shows each epoch as it ends: one line per epoch (loss, val_loss, time) on stdout always, as a record of the run,
/// and on a terminal a live bar on stderr (see <see cref="Progress"/>) with the time so far and an estimate of the
/// rest, moving inside long epochs too (redrawn at most every 0.2 s).
/// </summary>
sealed class EpochProgress(TextWriter lines, Progress progress)
{
    static readonly long RedrawTicks = Stopwatch.Frequency / 5;
    readonly Stopwatch clock = Stopwatch.StartNew();
    long lastDrawn;

    public void Report(EpochReport e)
    {
        string epoch = $"Epoch {e.Epoch.ToString().PadLeft(e.Epochs.ToString().Length)}/{e.Epochs}";
        string losses = $"loss {e.Loss:F6}" + (e.ValidationLoss is { } v ? $"  val_loss {v:F6}" : "");
        progress.Clear();
        lines.WriteLine($"{epoch}  {losses}  {Figures.Ms(e.Elapsed)}");
        progress.Bar((double)e.Epoch / e.Epochs, $"{e.Epoch}/{e.Epochs} epochs", clock.Elapsed);
        lastDrawn = clock.ElapsedTicks;
    }

    /// <summary>Inside an epoch: the bar moves with the batches, at most five times a second.</summary>
    public void Batch(BatchProgress b)
    {
        if (!progress.IsLive || clock.ElapsedTicks - lastDrawn < RedrawTicks) return;
        lastDrawn = clock.ElapsedTicks;
        progress.Bar(b.Fraction, $"epoch {b.Epoch}/{b.Epochs}, batch {b.Batch}/{b.Batches}", clock.Elapsed);
    }
}
