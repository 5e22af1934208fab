using BenchmarkDotNet.Loggers;

namespace GpuRnn.Bench;

/// <summary>
/// The console side of a BenchmarkDotNet run a person can follow: one line as each benchmark ends (what it was and
/// how many remain, with BenchmarkDotNet's own estimate of the finish), every error, then everything from the summary on. The
/// full log, every iteration included, still goes to BenchmarkDotNet.Artifacts/*.log.
/// </summary>
public sealed class ProgressLogger : ILogger
{
    readonly TextWriter console = Console.Out;
    string line = "";
    bool summary, error;
    string? current;

    public string Id => nameof(ProgressLogger);
    public int Priority => 0;

    public void Write(LogKind logKind, string text)
    {
        if (summary) console.Write(text);
        else
        {
            line += text;
            error |= logKind == LogKind.Error; // errors always show: a failed build or benchmark must not pass in silence
        }
    }

    public void WriteLine()
    {
        if (summary) console.WriteLine();
        else Complete();
    }

    public void WriteLine(LogKind logKind, string text)
    {
        Write(logKind, text);
        WriteLine();
    }

    public void Flush() => console.Flush();

    void Complete()
    {
        string text = line.Trim();
        line = "";
        if (error)
        {
            error = false;
            console.WriteLine(text);
            return;
        }
        if (text.StartsWith("// * Summary *", StringComparison.Ordinal))
        {
            summary = true;
            console.WriteLine(text);
        }
        else if (text.StartsWith("// Benchmark: ", StringComparison.Ordinal)) current = Short(text["// Benchmark: ".Length..]);
        else if (text.StartsWith("// ** Remained ", StringComparison.Ordinal) && current is not null)
            console.WriteLine($"{DateTime.Now:HH:mm:ss} done {current}; {text.Trim('/', '*', ' ')}");
        else if (text.StartsWith("// ***** Found ", StringComparison.Ordinal) || text.StartsWith("// ***** BenchmarkRunner: Start", StringComparison.Ordinal))
            console.WriteLine($"{DateTime.Now:HH:mm:ss} {text.Trim('/', '*', ' ')} (the first builds the benchmark process: about a minute)");
    }

    /// <summary>"TrainingBenchmarks.TrainingEpoch: Job(…) [Engine=Simd, Workload=w2]" → "TrainingEpoch [Engine=Simd, Workload=w2]".</summary>
    static string Short(string benchmark)
    {
        int colon = benchmark.IndexOf(':', StringComparison.Ordinal), dot = benchmark.LastIndexOf('.', colon < 0 ? benchmark.Length - 1 : colon);
        int bracket = benchmark.LastIndexOf('[');
        string method = colon < 0 ? benchmark : benchmark[(dot + 1)..colon];
        return bracket < 0 ? method : $"{method} {benchmark[bracket..]}";
    }
}
