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

    Progress(TextWriter? terminal) => this.terminal = terminal;

    public static Progress For(TextWriter stderr) =>
        new(ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected ? stderr : null);

    public bool IsLive => terminal is not null;

    /// <summary>Shows a phase that may take a while; it stays until the next one or <see cref="Clear"/>.</summary>
    public void Show(string text)
    {
        if (terminal is null) return;
        Clear();
        terminal.Write(text);
        shown = text.Length;
    }

    public void Bar(int done, int total, string unit)
    {
        const int width = 24;
        int filled = total == 0 ? width : width * done / total;
        Show($"[{new string('#', filled)}{new string('.', width - filled)}] {done}/{total} {unit}");
    }

    public void Clear()
    {
        if (terminal is null || shown == 0) return;
        terminal.Write($"\r{new string(' ', shown)}\r");
        shown = 0;
    }

    public void Dispose() => Clear();
}
