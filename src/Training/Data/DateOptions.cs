namespace GpuRnn.Training.Data;

/// <summary>
/// Which CSV column holds a series' dates, and what to do where dates are missing. <see cref="Column"/> is a header
/// name or an index from 0; null looks for them (the first column, when its first cell is a date of at least a year
/// and a month and the values are in another column); <see cref="NoColumn"/> reads no dates.
/// </summary>
public sealed record DateOptions(string? Column = null, GapFill FillGaps = GapFill.None)
{
    /// <summary>The column name that turns dates off.</summary>
    public const string NoColumn = "none";

    public static DateOptions Auto { get; } = new();
    public static DateOptions None { get; } = new(NoColumn);

    public bool IsAuto => Column is null;
    public bool IsOff => string.Equals(Column?.Trim(), NoColumn, StringComparison.OrdinalIgnoreCase);
}
