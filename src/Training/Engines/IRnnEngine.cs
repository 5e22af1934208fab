using GpuRnn.Kernels;
using GpuRnn.Training.Data;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Engines;

/// <summary>
/// What a training host drives. An engine trains <see cref="Models"/> models of one shape at once (a training run
/// is one model; a sweep is many), each with its own weights, Adam moments and epoch order, on the same windows, or
/// each on windows of its own (one model per series: <see cref="SetTrainingDataPerModel"/>).
/// It owns the weights, the moments and the training windows (on its device, for an accelerator) and runs the three
/// hot passes: forward over a batch, BPTT gradients accumulated across the batch, and the optimizer step. The host
/// only decides which windows form each batch and each model's step size. Every per-model quantity is laid out
/// model-major: model m's parameters are <c>[m·P, (m + 1)·P)</c> with P = <c>Layout.Count</c>. A model's result
/// never depends on which other models share the engine.
/// </summary>
public interface IRnnEngine : IDisposable
{
    /// <summary>Short name: <c>scalar</c>, <c>simd</c>, <c>cuda</c>, …</summary>
    string Name { get; }

    ModelSpec Spec { get; }

    /// <summary>One model's parameters.</summary>
    ParameterLayout Layout { get; }

    /// <summary>M: how many models this engine trains together.</summary>
    int Models { get; }

    /// <summary>Keeps these windows resident for <see cref="Forward"/>; batches index into them.</summary>
    void SetTrainingData(WindowSet windows);

    /// <summary>
    /// Does now the one-off work (JIT compilation) that training <paramref name="windows"/> windows in batches of
    /// <paramref name="batchSize"/>, and predicting <paramref name="predicted"/> windows, would otherwise do in their first
    /// step, so that timed training excludes it. The trainer calls it before its clock starts; a caller that reports
    /// the engine's set-up time calls it first, inside that time. Nothing to do for most engines.
    /// </summary>
    void PrepareFor(int windows, int batchSize, int predicted = 0) { }

    /// <summary>
    /// Keeps each model's own windows resident (one series per model): <paramref name="windows"/> holds M blocks of n
    /// windows, model m's at rows <c>[m·n, (m + 1)·n)</c>; orders and batches then index a model's own block (0 … n − 1).
    /// A one-model engine's block is all of them.
    /// </summary>
    void SetTrainingDataPerModel(WindowSet windows)
    {
        if (Models != 1) throw new NotSupportedException($"the {Name} engine does not train {Models} models on windows of their own");
        SetTrainingData(windows);
    }

    /// <summary>Replaces every model's weights ([M × P], Keras order within a model) and resets the optimizer's state.</summary>
    void SetParameters(ReadOnlySpan<float> parameters);

    /// <summary>[M × P].</summary>
    float[] GetParameters();

    /// <summary>The order in which this epoch visits the training windows, per model: [M × n], each row a permutation of 0..n−1.</summary>
    void SetOrder(ReadOnlySpan<int> orders);

    /// <summary>
    /// Forward pass over the windows <c>order[start .. start + count)</c> of every model, keeping what BPTT needs.
    /// Adds the batch's squared errors to each model's loss accumulator read by <see cref="TakeLossSums"/>.
    /// </summary>
    void Forward(int start, int count);

    /// <summary>Gradients of the batch's mean squared error (of the last <see cref="Forward"/>) for every parameter of every model.</summary>
    void Backward();

    /// <summary>Adam's update of every parameter from the gradients of the last <see cref="Backward"/>: one step per model.</summary>
    void ApplyAdam(ReadOnlySpan<AdamStep> steps);

    /// <summary>Per model, the sum over the windows forwarded since the last call of each window's mean squared error; resets them.</summary>
    double[] TakeLossSums();

    /// <summary>The last <see cref="Backward"/>'s gradients, [M × P] (for tests and tools).</summary>
    float[] GetGradients();

    /// <summary>Every model's outputs for any windows, [M × count × outputs], with the current weights.</summary>
    float[] Predict(WindowSet windows);

    /// <summary>Each model's outputs for its own block of <paramref name="windows"/> (M blocks of n, as <see cref="SetTrainingDataPerModel"/>), [M × n × outputs].</summary>
    float[] PredictPerModel(WindowSet windows)
    {
        if (Models != 1) throw new NotSupportedException($"the {Name} engine does not predict {Models} models on windows of their own");
        return Predict(windows);
    }
}

/// <summary>Conveniences for the common one-model engine.</summary>
public static class RnnEngineExtensions
{
    /// <summary>Adam's step for a one-model engine.</summary>
    public static void ApplyAdam(this IRnnEngine engine, AdamStep step) => engine.ApplyAdam([step]);

    /// <summary>The loss sum of a one-model engine (the sum over models otherwise).</summary>
    public static double TakeLossSum(this IRnnEngine engine) => engine.TakeLossSums().Sum();

    /// <summary>n: how many windows each model owns in a set of M blocks (<see cref="IRnnEngine.SetTrainingDataPerModel"/>).</summary>
    public static int WindowsPerModel(this IRnnEngine engine, WindowSet windows) =>
        windows.Count % engine.Models == 0 ? windows.Count / engine.Models
            : throw new ArgumentException($"{windows.Count} windows do not split into {engine.Models} models' blocks of one size");

    /// <summary>Throws unless exactly one step is given: what an engine of one model accepts.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static AdamStep Single(ReadOnlySpan<AdamStep> steps) =>
        steps.Length == 1 ? steps[0] : throw new ArgumentException($"expected one Adam step (one model), got {steps.Length}");
}
