namespace GpuRnn.Cli.Commands;

sealed partial class DataOptions
{
    public Option<string?> Features { get; } = new("--features")
    {
        Description = "input columns, one feature per step each, comma-separated, by header or index from 0 (default: the --column or --target alone)",
        HelpName = "A,B,…",
    };
    public Option<string?> Target { get; } = new("--target")
    {
        Description = "the column whose next value the model predicts; with --features, one of them or another column (default: the only one of --features)",
        HelpName = "NAME|INDEX",
    };

    /// <summary>The columns the options name; null when none of <c>--features</c>, <c>--target</c> or <c>--column</c> is given.</summary>
    public ColumnChoice? Choice(ParseResult result)
    {
        string? features = result.GetValue(Features), target = result.GetValue(Target), column = result.GetValue(Column);
        if (column is not null && (features is not null || target is not null))
            throw new GpuRnnInputException($"--column is the one-column form of --target (one input that is also the target): give --features and --target, or --column alone");
        if (features is null) return target is null ? column is null ? null : ColumnChoice.OneColumn(column, "--column") : ColumnChoice.OneColumn(target, "--target");
        var inputs = features.Split(',', StringSplitOptions.TrimEntries);
        if (inputs.Any(string.IsNullOrEmpty)) throw new GpuRnnInputException($"--features takes column names or indexes separated by commas (got '{features}')");
        if (inputs.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new GpuRnnInputException($"--features names column '{twice.Key}' {twice.Count()} times; each column is one feature");
        if (target is null && inputs.Length > 1)
            throw new GpuRnnInputException($"--features {features} needs --target NAME: the column whose next value the model predicts");
        return new ColumnChoice(inputs, target ?? inputs[0], "--features");
    }

    /// <summary>
    /// Reads the chosen columns from <c>--data</c>, else <paramref name="fallbackPath"/> (a model's training data), else
    /// the embedded sunspots, with the dates asked for (else <paramref name="fallbackDates"/>, a model's). The target is
    /// the same series as the input it names, if any; two inputs that are one column (a header and its index) are refused.
    /// </summary>
    public (IReadOnlyList<Series> Inputs, Series Target) LoadColumns(ParseResult result, ColumnChoice choice, string? fallbackPath = null,
        DateOptions? fallbackDates = null)
    {
        string? path = result.GetValue(Data) ?? fallbackPath;
        var dates = DatesFor(result, fallbackDates);
        var inputs = choice.Inputs.Select(c => Read(path, c, dates)).ToList();
        for (int i = 0; i < inputs.Count; i++)
            for (int j = 0; j < i; j++)
                if (inputs[i].Name == inputs[j].Name)
                    throw new GpuRnnInputException($"{choice.Asked} names column '{inputs[i].Name}' twice ('{choice.Inputs[j]}' and '{choice.Inputs[i]}'); each column is one feature");
        int index = choice.Inputs.ToList().IndexOf(choice.Target);
        var target = index >= 0 ? inputs[index] : Read(path, choice.Target, dates);
        return (inputs, inputs.FirstOrDefault(s => s.Name == target.Name) ?? target);
    }

    /// <summary>How the report names the columns: "column 'a'", or "columns 'a', 'b' → target 'c'".</summary>
    public static string Describe(IReadOnlyList<Series> inputs, Series target) =>
        inputs.Count == 1 && inputs[0] == target ? $"column '{target.Name}'"
            : $"input columns {string.Join(", ", inputs.Select(s => $"'{s.Name}'"))} → target '{target.Name}'";
}
