namespace GpuRnn.Cli.Commands;

/// <summary>
/// <c>--baseline estimate|full</c>: how train and sweep time their comparison. A comparison must not silently
/// double a long run, so by default it times about <see cref="Budget"/> of the work and scales it up, and says so.
/// </summary>
static class BaselineOption
{
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    public static Option<string> Create(string what) 
    {
        var option = new Option<string>("--baseline")
        {
            Description = $"how to time {what}: 'estimate' (about one second of it, scaled to the whole) or 'full' (all of it)",
            DefaultValueFactory = _ => "estimate",
        };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && r.Tokens[^1].Value.Trim().ToLowerInvariant() is not ("estimate" or "full"))
                r.AddError($"--baseline takes estimate or full (got '{r.Tokens[^1].Value}')");
        });
        return option;
    }

    /// <summary>The time budget the option asks for: <see cref="Budget"/>, or none for 'full'.</summary>
    public static TimeSpan? BudgetOf(ParseResult result, Option<string> option) =>
        result.GetValue(option)!.Trim().Equals("full", StringComparison.OrdinalIgnoreCase) ? null : Budget;
}
