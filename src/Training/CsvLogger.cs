using System.Globalization;
using System.Text;

namespace GpuRnn.Training;

/// <summary>
/// Keras's <c>CSVLogger</c>: the training history as CSV, <c>epoch,loss,val_loss,time</c>, one line written and
/// flushed as each epoch ends, so the file holds every finished epoch even when training later diverges or is
/// interrupted. <c>val_loss</c> is empty without validation windows; <c>time</c> is the epoch's seconds. Pass
/// <see cref="Log"/> as a run's epoch callback.
/// </summary>
public sealed class CsvLogger : IDisposable
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    readonly Stream stream;
    readonly StreamWriter writer;
    readonly CsvColumns<EpochReport> columns = new CsvColumns<EpochReport>()
        .Add("epoch", e => e.Epoch.ToString(Invariant))
        .Add("loss", e => e.Loss.ToString("R", Invariant))
        .Add("val_loss", e => e.ValidationLoss is { } v ? v.ToString("R", Invariant) : "")
        .Add("time", e => e.Elapsed.TotalSeconds.ToString("R", Invariant));

    /// <summary>Writes the header to <paramref name="stream"/> at once; the logger owns the stream from here.</summary>
    public CsvLogger(Stream stream)
    {
        this.stream = stream;
        writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        columns.WriteHeader(writer);
        writer.Flush();
    }

    public void Log(EpochReport epoch)
    {
        columns.WriteRow(writer, epoch);
        writer.Flush();
    }

    /// <summary>Flushes to disk where the file allows it (a FIFO or a device does not), then closes.</summary>
    public void Dispose()
    {
        writer.Flush();
        if (stream is FileStream file)
        {
            try { file.Flush(flushToDisk: true); }
            catch (IOException) { } // fsync is refused by some files (pipes, devices); the lines are written either way
        }
        writer.Dispose();
    }
}
