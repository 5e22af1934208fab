using GpuRnn.Training.Data;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Engines;

/// <summary>
/// What a training host drives. An engine owns the weights, Adam's moments and the training windows (on its
/// device, for an accelerator) and runs the three hot passes: forward over a batch, BPTT gradients accumulated
/// across the batch, and the optimizer step. The host only decides which windows form each batch.
/// </summary>
public interface IRnnEngine : IDisposable
{
    /// <summary>Short name: <c>scalar</c>, <c>cpu</c>, <c>cuda</c>, …</summary>
    string Name { get; }

    ModelSpec Spec { get; }

    ParameterLayout Layout { get; }

    /// <summary>Keeps these windows resident for <see cref="Forward"/>; batches index into them.</summary>
    void SetTrainingData(WindowSet windows);

    /// <summary>Replaces the weights (flat, Keras order) and resets the optimizer's state.</summary>
    void SetParameters(ReadOnlySpan<float> parameters);

    float[] GetParameters();

    /// <summary>The order in which this epoch visits the training windows (a permutation of 0..count−1).</summary>
    void SetOrder(ReadOnlySpan<int> order);

    /// <summary>
    /// Forward pass over the windows <c>order[start .. start + count)</c>, keeping what BPTT needs. Adds the
    /// batch's squared errors to the loss accumulator read by <see cref="TakeLossSum"/>.
    /// </summary>
    void Forward(int start, int count);

    /// <summary>Gradients of the batch's mean squared error (of the last <see cref="Forward"/>) for every parameter.</summary>
    void Backward();

    /// <summary>Adam's update of every parameter from the gradients of the last <see cref="Backward"/>.</summary>
    void ApplyAdam(AdamStep step);

    /// <summary>Sum over the windows forwarded since the last call of each window's mean squared error; resets it.</summary>
    double TakeLossSum();

    /// <summary>The last <see cref="Backward"/>'s gradients, flat in Keras order (for tests and tools).</summary>
    float[] GetGradients();

    /// <summary>Model outputs for any windows, [count × outputs], with the current weights.</summary>
    float[] Predict(WindowSet windows);
}
