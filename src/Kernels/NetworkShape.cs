namespace GpuRnn.Kernels;

/// <summary>
/// What every kernel needs to know about the whole network, passed by value: the layout's view for kernels of one
/// window length, made only by <see cref="ParameterLayout.KernelArguments"/>. Offsets index the flat parameter
/// vector (Keras get_weights order, row-major kernels [inputs × units]) and the per-window state rows.
/// </summary>
/// <remarks>
/// Per window b of a batch, the hidden states of all layers live in one row of <see cref="StateStride"/> floats:
/// layer l's h_t (t = 0 … T, h_0 = 0) at b·StateStride + StateOffset_l + t·units_l. The gradients arriving at each
/// layer's outputs live likewise in rows of <see cref="StateGradientStride"/> floats, [T × units_l] per layer.
/// </remarks>
public readonly struct NetworkShape(
    int layers, int timeSteps, int features, int outputs, int parameterCount, int stateStride, int stateGradientStride, int maxUnits,
    int topUnits, int topStateOffset, int topStateGradientOffset, int denseKernelOffset, int denseBiasOffset,
    Activation hidden, Activation output)
{
    /// <summary>SimpleRNN layers, stacked.</summary>
    public readonly int Layers = layers;
    public readonly int TimeSteps = timeSteps;
    public readonly int Features = features;
    public readonly int Outputs = outputs;
    public readonly int ParameterCount = parameterCount;
    public readonly int StateStride = stateStride;
    public readonly int StateGradientStride = stateGradientStride;
    /// <summary>Row length of the per-window scratch vectors (dh, da) of backward.</summary>
    public readonly int MaxUnits = maxUnits;
    public readonly int TopUnits = topUnits;
    public readonly int TopStateOffset = topStateOffset;
    public readonly int TopStateGradientOffset = topStateGradientOffset;
    public readonly int DenseKernelOffset = denseKernelOffset;
    public readonly int DenseBiasOffset = denseBiasOffset;
    public readonly Activation Hidden = hidden;
    public readonly Activation Output = output;
}

/// <summary>
/// One SimpleRNN layer in the layout's view for kernels of one window length (<see cref="ParameterLayout.KernelArguments"/>):
/// its sizes and where its weights, states and state gradients live.
/// </summary>
public readonly struct LayerShape(
    int index, int inputs, int units, int kernelOffset, int recurrentOffset, int biasOffset,
    int stateOffset, int belowStateOffset, int stateGradientOffset, int belowStateGradientOffset)
{
    /// <summary>0 for the bottom layer, which reads the data; higher layers read the layer below's states.</summary>
    public readonly int Index = index;
    public readonly int Inputs = inputs;
    public readonly int Units = units;
    public readonly int KernelOffset = kernelOffset;
    public readonly int RecurrentOffset = recurrentOffset;
    public readonly int BiasOffset = biasOffset;
    public readonly int StateOffset = stateOffset;
    public readonly int BelowStateOffset = belowStateOffset;
    public readonly int StateGradientOffset = stateGradientOffset;
    public readonly int BelowStateGradientOffset = belowStateGradientOffset;
}
