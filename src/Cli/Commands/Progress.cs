namespace GpuRnn.Cli.Commands;

/// <summary>
/// What the tool is doing right now ("reading big.csv…", a bar of epochs, "plotting…"), on one line of stderr that
/// is rewritten in place and cleared at the end. Only when stderr is a terminal: redirected or captured output (a
/// file, a pipe, a test) gets none of it, so records on stdout and one-line errors on stderr stay clean.
/// </summary>
sealed class Progress : IDisposable
{
    readonly TextWriter? terminal;
    int shown;
    /// <summary>The line on the terminal now, if any: what an interrupt erases before its message.</summary>
    static Progress? live;

    Progress(TextWriter? terminal) => this.terminal = terminal;

    public static Progress For(TextWriter stderr) =>
        new(ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected ? stderr : null);

    /// <summary>Drawing on <paramref name="terminal"/> as if it were one: for tests.</summary>
    internal static Progress OnTerminal(TextWriter terminal) => new(terminal);

    public bool IsLive => terminal is not null;

    /// <summary>Shows a phase that may take a while; it stays until the next one or <see cref="Clear"/>.</summary>
    public void Show(string text)
    {
        if (terminal is null) return;
        Clear();
        terminal.Write(text);
        shown = text.Length;
        live = this;
    }

    public void Bar(int done, int total, string unit) => Bar(total == 0 ? 1 : (double)done / total, $"{done}/{total} {unit}", null);

    /// <summary>A bar <paramref name="fraction"/> full, the text, and with <paramref name="elapsed"/> the time so far and an estimate of the rest.</summary>
    public void Bar(double fraction, string text, TimeSpan? elapsed)
    {
        const int width = 24;
        int filled = (int)(width * Math.Clamp(fraction, 0, 1));
        string time = elapsed is not { } e ? ""
            : $"  {Clock(e)} elapsed" + (fraction is > 0 and < 1 ? $", about {Clock(e * ((1 - fraction) / fraction))} left" : "");
        Show($"[{new string('#', filled)}{new string('.', width - filled)}] {text}{time}");
    }

    /// <summary>m:ss, or h:mm:ss from an hour.</summary>
    static string Clock(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t:mm\\:ss}" : $"{(int)t.TotalMinutes}:{t:ss}";

    /// <summary>Erases the bar on the terminal, if one is shown: an interrupt's message then starts on a clean line.</summary>
    public static void ClearLive() => live?.Clear();

    public void Clear()
    {
        if (terminal is null || shown == 0) return;
        terminal.Write($"\r{new string(' ', shown)}\r");
        shown = 0;
        live = null;
    }

    public void Dispose() => Clear();
}
