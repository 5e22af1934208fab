namespace GpuRnn.Cli.Commands;

/// <summary>
/// How <c>train</c> and <c>predict</c> print error figures: RMSE and MAE, scaled and in the series' own units, for the
/// model and for the naive last-value forecast on the same windows, and which of the two is better.
/// </summary>
static class ErrorLines
{
    /// <summary>What follows "RMSE: ": "0.05918 (scaled)  15.02 (Sunspots, original units)  MAE: 0.04467 (scaled)  11.34 (Sunspots)"</summary>
    public static string Figures(ForecastErrors e, string series) =>
        $"{Commands.Figures.Rmse(e.Scaled.Rmse)} (scaled)  {Commands.Figures.Rmse(e.Original.Rmse)} ({series}, original units)  "
        + $"MAE: {Commands.Figures.Rmse(e.Scaled.Mae)} (scaled)  {Commands.Figures.Rmse(e.Original.Mae)} ({series})";

    /// <summary>"Model vs naive on the test windows: RMSE 4.5% lower, MAE 2.1% higher (naive: each window's last value)"</summary>
    public static string Versus(Evaluation e, string windows) =>
        $"Model vs naive on {windows}: RMSE {Change(e.Model.Original.Rmse, e.Naive.Original.Rmse)}, MAE {Change(e.Model.Original.Mae, e.Naive.Original.Mae)} "
        + "(naive: each window's last value as the prediction)";

    static string Change(double model, double naive)
    {
        if (!double.IsFinite(model) || !double.IsFinite(naive)) return "n/a";
        if (model == naive) return "equal";
        if (naive == 0) return "higher (the naive forecast is exact)";
        double percent = 100 * (model - naive) / naive;
        string size = Math.Abs(percent).ToString(Math.Abs(percent) < 10 ? "0.0" : "0", CultureInfo.InvariantCulture);
        return size is "0.0" ? "within 0.05%" : $"{size}% {(percent < 0 ? "lower" : "higher")}";
    }
}
