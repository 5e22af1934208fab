namespace GpuRnn.Cli.Commands;

/// <summary>
/// <c>forecast --interval Q</c>: split conformal prediction intervals from the model's held-out residuals, printed as
/// the columns <c>lower,upper</c> after the forecast.
/// </summary>
sealed class IntervalOption
{
    public Option<double?> Coverage { get; } = new("--interval")
    {
        Description = "add lower,upper columns: a prediction interval holding the true value with probability Q (e.g. 0.9), from the model's held-out forecast errors (split conformal)",
        HelpName = "Q",
    };

    /// <summary>The coverage asked for, checked as a probability before any work; null when not asked.</summary>
    public double? Asked(ParseResult result)
    {
        var q = result.GetValue(Coverage);
        if (q is { } p) HorizonResiduals.EnsureCoverage(p);
        return q;
    }

    /// <summary>The model's residuals, refused in one line when it has none or they cannot answer <paramref name="horizon"/> steps at <paramref name="coverage"/>.</summary>
    public static ForecastResiduals Residuals(SavedModel model, int horizon, double coverage)
    {
        var residuals = model.Residuals ?? throw new GpuRnnInputException(
            "--interval: the model has no held-out residuals (files saved before prediction intervals, Keras weight lists and models trained with --split 1 have none); retrain it with this version's gpurnn train --save");
        try { residuals.EnsureCovers(horizon, coverage); }
        catch (GpuRnnInputException e) { throw new GpuRnnInputException($"--interval {Text(coverage)}: {e.Message}", e); }
        return residuals;
    }

    /// <summary>Appends the columns <c>lower,upper</c> (step <c>k</c>'s bounds, to the digits the forecast itself has); nothing without intervals.</summary>
    public static CsvColumns<int> AddTo(CsvColumns<int> columns, PredictionInterval[]? intervals, double range) => intervals is null ? columns : columns
        .Add("lower", k => Figures.Predicted(intervals[k].Lower, range))
        .Add("upper", k => Figures.Predicted(intervals[k].Upper, range));

    public static string Describe(ForecastResiduals residuals, double coverage, int horizon) =>
        $"Intervals: {Text(coverage * 100)}% split conformal, from the absolute errors of the model's 1- to {horizon}-step recursive forecasts "
        + $"on the {residuals.Part} part ({residuals.Horizons[0].Count} at step 1, {residuals.Horizons[horizon - 1].Count} at step {horizon})";

    /// <summary>train --save's line on what it kept for intervals.</summary>
    /// <param name="oneColumn">Whether the model reads its target alone (intervals need recursive forecasts of one column).</param>
    public static string Saved(ForecastResiduals? residuals, bool oneColumn = true) => residuals is null
        ? oneColumn
            ? "Intervals: none (no test part to measure forecast errors on; forecast --interval needs a model trained with --split below 1)"
            : "Intervals: none (they are measured for models of one column only: a forecast of several needs their future inputs, which the test part cannot stand in for)"
        : $"Intervals: the absolute errors of 1- to {residuals.MaxHorizon}-step recursive forecasts from {residuals.Origins} origins in the {residuals.Part} part "
            + $"({residuals.Horizons[0].Count} at step 1, {residuals.Horizons[^1].Count} at step {residuals.MaxHorizon}), for forecast --interval";

    static string Text(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
