namespace GpuRnn.Training.Data;

/// <summary>
/// The columns a model reads and the one it predicts, each with its own MinMax scaler: the inputs (one feature per
/// column, in the order of the kernel's rows) and the target, whose next value each window predicts. The target may
/// be one of the inputs or not. The tutorial's one column is one input that is also the target.
/// </summary>
public sealed class ModelColumns
{
    readonly float[]?[] scaledInputs;
    float[]? scaledTarget;

    public ModelColumns(IReadOnlyList<Series> inputs, IReadOnlyList<MinMaxScaler> inputScalers, Series target, MinMaxScaler targetScaler)
    {
        if (inputs.Count == 0) throw new GpuRnnInputException("a model needs at least one input column");
        if (inputScalers.Count != inputs.Count) throw new ArgumentException("one scaler per input column", nameof(inputScalers));
        var named = inputs.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (named is not null) throw new GpuRnnInputException($"the input columns name '{named.Key}' {named.Count()} times; each column is one feature");
        foreach (var s in inputs)
            if (s.Length != target.Length)
                throw new GpuRnnInputException($"column '{s.Name}' has {s.Length} values but the target '{target.Name}' has {target.Length}");
        Inputs = [.. inputs];
        InputScalers = [.. inputScalers];
        Target = target;
        TargetScaler = targetScaler;
        TargetInput = Inputs.Select(s => s.Name).ToList().IndexOf(target.Name);
        scaledInputs = new float[]?[inputs.Count];
    }

    /// <summary>One column that is both the only input and the target, scaled by <paramref name="scaler"/>.</summary>
    public static ModelColumns Of(Series series, MinMaxScaler scaler) => new([series], [scaler], series, scaler);

    /// <summary>Every column's scaler fitted on its first <paramref name="rows"/> values (all, or the training part).</summary>
    public static ModelColumns Fit(IReadOnlyList<Series> inputs, Series target, int rows) =>
        new(inputs, [.. inputs.Select(s => Fitted(s, rows))], target, Fitted(target, rows));

    static MinMaxScaler Fitted(Series s, int rows) => MinMaxScaler.Fit(s.Values.AsSpan(0, Math.Min(rows, s.Length)));

    public IReadOnlyList<Series> Inputs { get; }
    public IReadOnlyList<MinMaxScaler> InputScalers { get; }
    public Series Target { get; }
    public MinMaxScaler TargetScaler { get; }

    /// <summary>Where the target sits among the inputs (matched by header), or −1 when it is not one of them.</summary>
    public int TargetInput { get; }

    /// <summary>Rows of every column.</summary>
    public int Length => Target.Length;

    /// <summary>The tutorial's form: one input column, which is the target itself.</summary>
    public bool IsUnivariate => Inputs.Count == 1 && TargetInput == 0;

    /// <summary>The input columns' scalers as a saved model keeps them; null in the univariate form, which the target's scaler covers.</summary>
    public IReadOnlyList<ColumnScaler>? SavedInputs => IsUnivariate ? null : [.. Inputs.Select((s, i) => new ColumnScaler(s.Name, InputScalers[i]))];

    /// <summary>How a message names a column: its source and header.</summary>
    public static string Describe(Series s) => $"{s.Source}, column '{s.Name}'";

    /// <summary>Input <paramref name="i"/> scaled (computed once), refused where float32 scaling would flatten it.</summary>
    public float[] ScaledInput(int i) => scaledInputs[i] ??= SameAsTarget(i) && scaledTarget is { } t ? t
        : InputScalers[i].TransformChecked(Inputs[i].Values, Describe(Inputs[i]));

    /// <summary>The target scaled (computed once; shared with its input column when both use one scaler).</summary>
    public float[] ScaledTarget() => scaledTarget ??= TargetInput >= 0 && SameAsTarget(TargetInput) ? ScaledInput(TargetInput)
        : TargetScaler.TransformChecked(Target.Values, Describe(Target));

    bool SameAsTarget(int i) => i == TargetInput && InputScalers[i] == TargetScaler;

    /// <summary>
    /// The windows of rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>), as
    /// <see cref="Windowing.Make(ReadOnlySpan{float}, int, int)"/> cuts one column: each of T steps × F features (the
    /// inputs, scaled), its target the target column's next value (scaled).
    /// </summary>
    public WindowSet Windows(int start, int length, int timeSteps, int stride) =>
        Windowing.Make([.. Enumerable.Range(0, Inputs.Count).Select(ScaledInput)], ScaledTarget(), start, length, timeSteps, stride);
}
