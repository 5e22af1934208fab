namespace GpuRnn.Cli.Commands;

/// <summary>Comma-separated lists on the command line: <c>--hidden 2,3,8</c>.</summary>
static class ListOption
{
    public static IReadOnlyList<T> Parse<T>(string text, string option) where T : ISpanParsable<T>
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new List<T>();
        foreach (var part in parts)
            values.Add(T.TryParse(part, CultureInfo.InvariantCulture, out var v) ? v
                : throw new GpuRnnInputException($"{option} takes a comma-separated list of numbers (got '{text}')"));
        if (values.Count == 0) throw new GpuRnnInputException($"{option} needs at least one value");
        return values;
    }
}
