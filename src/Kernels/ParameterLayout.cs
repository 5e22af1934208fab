namespace GpuRnn.Kernels;

/// <summary>One weight tensor inside the flat parameter vector.</summary>
/// <param name="Name">Keras's name: <c>kernel</c>, <c>recurrent_kernel</c> or <c>bias</c>, prefixed by its layer.</param>
public readonly record struct TensorSlot(string Name, int Rows, int Columns, int Offset)
{
    public int Length => Rows * Columns;

    /// <summary>Index of element [row, column] in the flat vector (row-major, as NumPy stores it).</summary>
    public int At(int row, int column) => Offset + row * Columns + column;
}

/// <summary>
/// The one layout of a network's parameters and sizes. Where each weight lives in one flat float vector, in Keras's
/// <c>get_weights()</c> order: for each SimpleRNN layer kernel [inputs×units], recurrent kernel [units×units], bias
/// [units]; then the Dense kernel [units×outputs] and bias [outputs]; with the sizes every engine loops over (per
/// layer as plain arrays, for hot loops). Engines, the optimizer, model files and the kernels' arguments
/// (<see cref="KernelArguments"/>) all read this one layout; it lives beside the kernels so that both see it.
/// </summary>
public sealed class ParameterLayout
{
    /// <param name="units">Hidden units of each SimpleRNN layer, bottom first (copied).</param>
    public ParameterLayout(int features, IReadOnlyList<int> units, int outputs, Activation hiddenActivation, Activation outputActivation)
    {
        Features = features;
        Outputs = outputs;
        HiddenActivation = hiddenActivation;
        OutputActivation = outputActivation;
        Units = [.. units];
        Inputs = [.. Enumerable.Range(0, Layers).Select(l => InputsOf(features, units, l))];
        int offset = 0;
        TensorSlot Add(string name, int rows, int cols)
        {
            var slot = new TensorSlot(name, rows, cols, offset);
            offset += rows * cols;
            return slot;
        }
        var kernels = new TensorSlot[Layers];
        var recurrent = new TensorSlot[Layers];
        var biases = new TensorSlot[Layers];
        for (int l = 0; l < Layers; l++)
        {
            string prefix = Layers == 1 ? "simple_rnn" : $"simple_rnn_{l}";
            kernels[l] = Add($"{prefix}/kernel", Inputs[l], Units[l]);
            recurrent[l] = Add($"{prefix}/recurrent_kernel", Units[l], Units[l]);
            biases[l] = Add($"{prefix}/bias", 1, Units[l]);
        }
        DenseKernel = Add("dense/kernel", TopUnits, outputs);
        DenseBias = Add("dense/bias", 1, outputs);
        Kernel = kernels;
        RecurrentKernel = recurrent;
        Bias = biases;
        Slots = [.. Enumerable.Range(0, Layers).SelectMany(l => new[] { kernels[l], recurrent[l], biases[l] }), DenseKernel, DenseBias];
        Count = offset;
        MaxWidth = Math.Max(Units.Max(), Inputs.Max());
    }

    /// <summary>Inputs per step of layer <paramref name="layer"/>: the features, or the layer below's units.</summary>
    static int InputsOf(int features, IReadOnlyList<int> units, int layer) => layer == 0 ? features : units[layer - 1];

    /// <summary>
    /// The parameter count of a network of these sizes, in <c>long</c> and without building its layout, so that a spec
    /// can refuse sizes whose count or offsets would not fit an <c>int</c> before anything is allocated.
    /// </summary>
    public static long CountOf(int features, IReadOnlyList<int> units, int outputs) => ((long)units[^1] + 1) * outputs
        + Enumerable.Range(0, units.Count).Sum(l => ((long)InputsOf(features, units, l) + units[l] + 1) * units[l]);

    /// <summary>Total number of parameters.</summary>
    public int Count { get; }

    /// <summary>All tensors in Keras order.</summary>
    public IReadOnlyList<TensorSlot> Slots { get; }

    public IReadOnlyList<TensorSlot> Kernel { get; }
    public IReadOnlyList<TensorSlot> RecurrentKernel { get; }
    public IReadOnlyList<TensorSlot> Bias { get; }
    public TensorSlot DenseKernel { get; }
    public TensorSlot DenseBias { get; }

    public int Features { get; }
    public int Outputs { get; }
    public int Layers => Units.Length;
    public Activation HiddenActivation { get; }
    public Activation OutputActivation { get; }

    /// <summary>Units of each SimpleRNN layer, bottom first.</summary>
    public int[] Units { get; }

    /// <summary>Inputs per step of each layer: the features, then the layer below's units.</summary>
    public int[] Inputs { get; }

    /// <summary>The widest row any layer reads or writes (units or inputs), which sizes BPTT scratch.</summary>
    public int MaxWidth { get; }

    public int TopUnits => Units[^1];

    /// <summary>Multiply–adds of the forward pass of one window of <paramref name="timeSteps"/> steps: the measure of work used to decide on threading.</summary>
    public long ForwardMultiplyAdds(int timeSteps)
    {
        long total = (long)TopUnits * Outputs;
        for (int l = 0; l < Layers; l++) total += (long)timeSteps * Units[l] * (Inputs[l] + Units[l]);
        return total;
    }

    /// <summary>
    /// The kernels' by-value arguments for windows of <paramref name="timeSteps"/> steps: this layout's offsets and
    /// sizes, plus the state rows laid out as <see cref="NetworkShape"/> describes, which (with the shared memory the
    /// kernels need) grow with the window length while the weights do not. Layers bottom first.
    /// </summary>
    public (NetworkShape Network, LayerShape[] Layers) KernelArguments(int timeSteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeSteps, 1);
        var layers = new LayerShape[Layers];
        int stateOffset = 0, gradientOffset = 0;
        for (int l = 0; l < Layers; l++)
        {
            var below = l > 0 ? layers[l - 1] : default; // the bottom layer reads the data: its "below" offsets stay 0
            layers[l] = new LayerShape(l, Inputs[l], Units[l], Kernel[l].Offset, RecurrentKernel[l].Offset, Bias[l].Offset,
                stateOffset, below.StateOffset, gradientOffset, below.StateGradientOffset);
            stateOffset += (timeSteps + 1) * Units[l];
            gradientOffset += timeSteps * Units[l];
        }
        var network = new NetworkShape(Layers, timeSteps, Features, Outputs, Count, stateOffset, gradientOffset, Units.Max(), TopUnits,
            layers[^1].StateOffset, layers[^1].StateGradientOffset, DenseKernel.Offset, DenseBias.Offset, HiddenActivation, OutputActivation);
        return (network, layers);
    }
}
