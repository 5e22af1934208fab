namespace GpuRnn.Training.Data;

/// <summary>A column by its header and the MinMax scaler fitted on it: what a saved model keeps of each input column.</summary>
/// <param name="Column">The column's header.</param>
/// <param name="Scaler">The scaler that maps its values to [0, 1].</param>
public sealed record ColumnScaler(string Column, MinMaxScaler Scaler);
