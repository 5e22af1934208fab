using GpuRnn.Training;

namespace GpuRnn.Cli.Commands;

/// <summary>
/// Shows each epoch as it ends: one line per epoch (loss, val_loss, time) always, and on a terminal also a live
/// progress bar under them, rewritten in place and cleared at the end. When output is redirected (a file, a pipe,
/// a test) only the plain lines are written.
/// </summary>
sealed class EpochProgress : IDisposable
{
    const int BarWidth = 24;
    readonly TextWriter output;
    readonly bool live;
    int barLength;

    EpochProgress(TextWriter output, bool live) { this.output = output; this.live = live; }

    public static EpochProgress For(TextWriter output) =>
        new(output, live: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);

    public void Report(EpochReport e)
    {
        string epoch = $"Epoch {e.Epoch.ToString().PadLeft(e.Epochs.ToString().Length)}/{e.Epochs}";
        string losses = $"loss {e.Loss:F6}" + (e.ValidationLoss is { } v ? $"  val_loss {v:F6}" : "");
        string line = $"{epoch}  {losses}  {Figures.Ms(e.Elapsed)}";
        if (!live)
        {
            output.WriteLine(line);
            return;
        }
        ClearBar();
        output.WriteLine(line);
        int filled = e.Epochs == 0 ? BarWidth : BarWidth * e.Epoch / e.Epochs;
        string bar = $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {e.Epoch}/{e.Epochs} epochs";
        output.Write(bar);
        barLength = bar.Length;
    }

    void ClearBar()
    {
        if (barLength == 0) return;
        output.Write($"\r{new string(' ', barLength)}\r");
        barLength = 0;
    }

    public void Dispose()
    {
        if (live) ClearBar();
    }
}
