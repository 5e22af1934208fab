namespace GpuRnn.Training.Data;

/// <summary>
/// Windows ready for an engine: <see cref="X"/> is [count × timeSteps × features] and <see cref="Y"/> is
/// [count × outputs], both row-major float32, as a Keras model receives them.
/// </summary>
public sealed class WindowSet
{
    public WindowSet(float[] x, float[] y, int count, int timeSteps, int features, int outputs)
    {
        if (x.Length != count * timeSteps * features) throw new ArgumentException("X has the wrong length", nameof(x));
        if (y.Length != count * outputs) throw new ArgumentException("Y has the wrong length", nameof(y));
        X = x; Y = y; Count = count; TimeSteps = timeSteps; Features = features; Outputs = outputs;
    }

    public float[] X { get; }
    public float[] Y { get; }
    public int Count { get; }
    public int TimeSteps { get; }
    public int Features { get; }
    public int Outputs { get; }

    public ReadOnlySpan<float> Window(int i) => X.AsSpan(i * TimeSteps * Features, TimeSteps * Features);

    public ReadOnlySpan<float> Target(int i) => Y.AsSpan(i * Outputs, Outputs);

    /// <summary>The sets one after another (each model's own block, for engines that train a model per series).</summary>
    public static WindowSet Concat(IReadOnlyList<WindowSet> sets)
    {
        if (sets.Count == 0) throw new ArgumentException("no window sets to join", nameof(sets));
        var first = sets[0];
        if (sets.Any(s => s.TimeSteps != first.TimeSteps || s.Features != first.Features || s.Outputs != first.Outputs))
            throw new ArgumentException("window sets of different shapes cannot be joined", nameof(sets));
        return new WindowSet([.. sets.SelectMany(s => s.X)], [.. sets.SelectMany(s => s.Y)], sets.Sum(s => s.Count),
            first.TimeSteps, first.Features, first.Outputs);
    }

    /// <summary>Windows <c>[start, start + count)</c> as a set of their own (copied).</summary>
    public WindowSet Slice(int start, int count)
    {
        int window = TimeSteps * Features;
        return new WindowSet(X.AsSpan(start * window, count * window).ToArray(), Y.AsSpan(start * Outputs, count * Outputs).ToArray(),
            count, TimeSteps, Features, Outputs);
    }
}
