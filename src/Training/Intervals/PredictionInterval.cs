namespace GpuRnn.Training.Intervals;

/// <summary>One forecast step's interval, in the series' units.</summary>
public readonly record struct PredictionInterval(double Lower, double Upper);
