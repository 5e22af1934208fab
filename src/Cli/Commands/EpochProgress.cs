using GpuRnn.Training;

namespace GpuRnn.Cli.Commands;

/// <summary>
/// Shows each epoch as it ends: on a terminal one live line (bar, epoch, losses) rewritten in place, and the final
/// epoch kept; when output is redirected (a file, a pipe, a test) one plain line per epoch.
/// </summary>
sealed class EpochProgress : IDisposable
{
    readonly TextWriter output;
    readonly bool live;
    string last = "";

    EpochProgress(TextWriter output, bool live) { this.output = output; this.live = live; }

    public static EpochProgress For(TextWriter output) =>
        new(output, live: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);

    public void Report(EpochReport e)
    {
        string epoch = $"Epoch {e.Epoch.ToString().PadLeft(e.Epochs.ToString().Length)}/{e.Epochs}";
        string losses = $"loss {e.Loss:F6}" + (e.ValidationLoss is { } v ? $"  val_loss {v:F6}" : "");
        string line = $"{epoch}  {losses}  {TrainCommand.Ms(e.Elapsed)}";
        if (!live)
        {
            output.WriteLine(line);
            return;
        }
        const int width = 24;
        int filled = e.Epochs == 0 ? width : width * e.Epoch / e.Epochs;
        last = $"[{new string('#', filled)}{new string('.', width - filled)}] {line}";
        output.Write($"\r{last.PadRight(Console.WindowWidth > 1 ? Math.Min(Console.WindowWidth - 1, 120) : 0)}");
    }

    public void Dispose()
    {
        if (live && last.Length > 0) output.WriteLine();
    }
}
