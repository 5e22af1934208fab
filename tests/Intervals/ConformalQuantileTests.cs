using GpuRnn.Training.Intervals;

namespace GpuRnn.Tests.Intervals;

/// <summary>The conformal quantile and its refusals, on residual lists small enough to count by hand.</summary>
public sealed class ConformalQuantileTests
{
    // Given unsorted: sorted they are 0.1, 0.3, 0.5, 0.7, 0.9 (n = 5).
    static readonly HorizonResiduals Five = new([0.5, 0.1, 0.9, 0.3, 0.7]);

    [Theory]
    [InlineData(0.1, 0.1)]  // ⌈6 · 0.1⌉ = ⌈0.6⌉ = 1st smallest
    [InlineData(0.5, 0.5)]  // ⌈3⌉ = 3rd
    [InlineData(0.6, 0.7)]  // ⌈3.6⌉ = 4th
    [InlineData(0.8, 0.9)]  // ⌈4.8⌉ = 5th
    [InlineData(0.8333, 0.9)] // ⌈4.9998⌉ = 5th: the largest coverage the message below offers is answered
    public void The_quantile_is_the_ceil_n_plus_1_q_th_smallest(double q, double expected) =>
        Assert.Equal(expected, Five.Quantile(q));

    [Theory]
    [InlineData(9, 0.9, 9)]     // 10 · 0.9 = 9 exactly: the 9th of 9, not the 10th
    [InlineData(19, 0.95, 19)]  // 20 · 0.95, 0.95 not exact in binary
    [InlineData(99, 0.9, 90)]
    [InlineData(100, 0.9, 91)]  // ⌈90.9⌉
    [InlineData(3, 0.01, 1)]    // never below the 1st
    public void The_rank_counts_decimal_coverages_as_written(int n, double q, long rank) =>
        Assert.Equal(rank, HorizonResiduals.ConformalRank(n, q));

    [Fact]
    public void Too_few_residuals_for_the_coverage_are_refused_naming_n_and_the_largest_q()
    {
        // ⌈6 · 0.9⌉ = 6 > 5; the largest q five support is 5/6 = 0.8333…
        var e = Assert.Throws<GpuRnnInputException>(() => Five.Quantile(0.9));
        Assert.Contains("n = 5", e.Message);
        Assert.Contains("at most 0.8333", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        Assert.False(Five.Supports(0.9));
        Assert.True(Five.Supports(0.8));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void A_coverage_outside_0_to_1_is_refused(double q) =>
        Assert.Throws<GpuRnnInputException>(() => Five.Quantile(q));

    [Fact]
    public void Each_step_gets_its_own_horizons_quantile_and_steps_past_the_last_are_refused()
    {
        var residuals = new ForecastResiduals("test", 3, [new HorizonResiduals([3, 1, 2]), new HorizonResiduals([6, 4, 5])]);
        // q = 0.5: ⌈4 · 0.5⌉ = 2nd smallest: 2 at step 1, 5 at step 2.
        var intervals = ForecastIntervals.Conformal([10, 20], residuals, 0.5);
        Assert.Equal([new PredictionInterval(8, 12), new PredictionInterval(15, 25)], intervals);

        var past = Assert.Throws<GpuRnnInputException>(() => ForecastIntervals.Conformal([10, 20, 30], residuals, 0.5));
        Assert.Contains("2 step(s)", past.Message);
        // ⌈4 · 0.8⌉ = 4 > 3 at step 1 already.
        var few = Assert.Throws<GpuRnnInputException>(() => ForecastIntervals.Conformal([10], residuals, 0.8));
        Assert.Contains("at step 1", few.Message);
        Assert.Contains("at most 0.75", few.Message);
    }

    [Fact]
    public void Residuals_must_be_finite_and_not_negative() =>
        Assert.Throws<GpuRnnInputException>(() => new HorizonResiduals([1, -0.5]));
}
