namespace GpuRnn.Kernels;

/// <summary>
/// What the sweep kernels know about a group of same-shape models (one SimpleRNN layer + Dense), passed by value.
/// Every model's parameters are one row of <see cref="ParameterCount"/> floats in a [model × parameter] buffer, in
/// Keras get_weights order (row-major kernels); offsets below index within such a row.
/// </summary>
/// <remarks>
/// Threads of the forward and backward kernels are "slots": slot s = model·count + row runs batch row
/// <c>row</c> of model <c>model</c>, with its states at s·<see cref="StateStride"/> (h_0 … h_T), its outputs at
/// s·Outputs, its BPTT scratch at s·<see cref="ScratchStride"/> and its window's gradient at s·ParameterCount.
/// </remarks>
public readonly struct SweepShape(
    int timeSteps, int features, int units, int outputs, int windowCount, int parameterCount,
    int kernelOffset, int recurrentOffset, int biasOffset, int denseKernelOffset, int denseBiasOffset,
    KernelActivation hidden, KernelActivation output)
{
    public readonly int TimeSteps = timeSteps;
    public readonly int Features = features;
    public readonly int Units = units;
    public readonly int Outputs = outputs;
    /// <summary>Training windows; each model's epoch order is a row of this many window indices.</summary>
    public readonly int WindowCount = windowCount;
    public readonly int ParameterCount = parameterCount;
    public readonly int KernelOffset = kernelOffset;
    public readonly int RecurrentOffset = recurrentOffset;
    public readonly int BiasOffset = biasOffset;
    public readonly int DenseKernelOffset = denseKernelOffset;
    public readonly int DenseBiasOffset = denseBiasOffset;
    public readonly KernelActivation Hidden = hidden;
    public readonly KernelActivation Output = output;
    /// <summary>Floats of hidden state per slot: h_0 … h_T.</summary>
    public readonly int StateStride = (timeSteps + 1) * units;
    /// <summary>Floats of BPTT scratch per slot: the head's gradient at h_T, then dh, then da.</summary>
    public readonly int ScratchStride = 3 * units;
}
