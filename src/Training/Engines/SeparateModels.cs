using GpuRnn.Kernels;
using GpuRnn.Training.Data;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Engines;

/// <summary>
/// M models on M one-model engines, one after another: how an engine kind without a model dimension of its own
/// trains several (the scalar reference, which must stay plain; stacked layers on the SIMD engine). Each model is
/// exactly its engine trained alone.
/// </summary>
public sealed class SeparateModels : IEpochEngine
{
    readonly IRnnEngine[] engines;
    int windowCount;

    /// <summary>Takes ownership of <paramref name="engines"/>: one-model engines of one spec.</summary>
    public SeparateModels(IReadOnlyList<IRnnEngine> engines)
    {
        if (engines.Count == 0 || engines.Any(e => e.Models != 1 || e.Spec != engines[0].Spec))
            throw new ArgumentException("separate models need one-model engines of one spec");
        this.engines = [.. engines];
    }

    public string Name => engines[0].Name;
    public ModelSpec Spec => engines[0].Spec;
    public ParameterLayout Layout => engines[0].Layout;
    public int Models => engines.Length;

    int P => Layout.Count;

    public void SetTrainingData(WindowSet windows)
    {
        foreach (var e in engines) e.SetTrainingData(windows);
        windowCount = windows.Count;
    }

    public void SetTrainingDataPerModel(WindowSet windows)
    {
        windowCount = this.WindowsPerModel(windows);
        for (int m = 0; m < Models; m++) engines[m].SetTrainingData(windows.Slice(m * windowCount, windowCount));
    }

    public void SetParameters(ReadOnlySpan<float> parameters)
    {
        if (parameters.Length != Models * P) throw new ArgumentException($"expected {Models} × {P} parameters, got {parameters.Length}");
        for (int m = 0; m < Models; m++) engines[m].SetParameters(parameters.Slice(m * P, P));
    }

    public float[] GetParameters() => [.. engines.SelectMany(e => e.GetParameters())];

    public float[] GetGradients() => [.. engines.SelectMany(e => e.GetGradients())];

    public void SetOrder(ReadOnlySpan<int> orders)
    {
        if (orders.Length != Models * windowCount) throw new ArgumentException("the orders must cover every training window of every model");
        for (int m = 0; m < Models; m++) engines[m].SetOrder(orders.Slice(m * windowCount, windowCount));
    }

    public void Forward(int start, int count) { foreach (var e in engines) e.Forward(start, count); }

    public void Backward() { foreach (var e in engines) e.Backward(); }

    public void ApplyAdam(ReadOnlySpan<AdamStep> steps)
    {
        if (steps.Length != Models) throw new ArgumentException($"expected {Models} Adam steps, got {steps.Length}");
        for (int m = 0; m < Models; m++) engines[m].ApplyAdam(steps.Slice(m, 1));
    }

    public double[] TakeLossSums() => [.. engines.SelectMany(e => e.TakeLossSums())];

    public float[] Predict(WindowSet windows) => [.. engines.SelectMany(e => e.Predict(windows))];

    public float[] PredictPerModel(WindowSet windows)
    {
        int n = this.WindowsPerModel(windows);
        return [.. engines.SelectMany((e, m) => e.Predict(windows.Slice(m * n, n)))];
    }

    public bool CanTrainEpoch(int batchSize) => engines.All(e => e is IEpochEngine f && f.CanTrainEpoch(batchSize));

    /// <summary>Each model's epoch on its own engine, with its column of the [batch × model] steps.</summary>
    public void TrainEpoch(int batchSize, ReadOnlySpan<AdamStep> steps)
    {
        int batches = steps.Length / Models;
        var column = new AdamStep[batches];
        for (int m = 0; m < Models; m++)
        {
            for (int b = 0; b < batches; b++) column[b] = steps[b * Models + m];
            ((IEpochEngine)engines[m]).TrainEpoch(batchSize, column);
        }
    }

    public void Dispose() { foreach (var e in engines) e.Dispose(); }
}
