namespace GpuRnn.Training.Model;

/// <summary>One weight tensor inside the flat parameter vector.</summary>
/// <param name="Name">Keras's name: <c>kernel</c>, <c>recurrent_kernel</c> or <c>bias</c>, prefixed by its layer.</param>
public readonly record struct TensorSlot(string Name, int Rows, int Columns, int Offset)
{
    public int Length => Rows * Columns;

    /// <summary>Index of element [row, column] in the flat vector (row-major, as NumPy stores it).</summary>
    public int At(int row, int column) => Offset + row * Columns + column;
}

/// <summary>
/// Where each weight lives in one flat float vector, in Keras's <c>get_weights()</c> order: for each SimpleRNN
/// layer kernel [inputs×units], recurrent kernel [units×units], bias [units]; then the Dense kernel
/// [units×outputs] and bias [outputs]; with the sizes every engine loops over (per layer as plain arrays, for hot
/// loops). Engines, the optimizer, model files and the kernels' shapes (<c>KernelShapes</c>) all read this one layout.
/// </summary>
public sealed class ParameterLayout
{
    public ParameterLayout(ModelSpec spec)
    {
        Spec = spec;
        var slots = new List<TensorSlot>();
        int offset = 0;
        TensorSlot Add(string name, int rows, int cols)
        {
            var slot = new TensorSlot(name, rows, cols, offset);
            offset += rows * cols;
            slots.Add(slot);
            return slot;
        }
        var kernels = new TensorSlot[spec.Layers];
        var recurrent = new TensorSlot[spec.Layers];
        var biases = new TensorSlot[spec.Layers];
        for (int l = 0; l < spec.Layers; l++)
        {
            string prefix = spec.Layers == 1 ? "simple_rnn" : $"simple_rnn_{l}";
            kernels[l] = Add($"{prefix}/kernel", spec.InputsOf(l), spec.Units[l]);
            recurrent[l] = Add($"{prefix}/recurrent_kernel", spec.Units[l], spec.Units[l]);
            biases[l] = Add($"{prefix}/bias", 1, spec.Units[l]);
        }
        DenseKernel = Add("dense/kernel", spec.LastUnits, spec.Outputs);
        DenseBias = Add("dense/bias", 1, spec.Outputs);
        Kernel = kernels;
        RecurrentKernel = recurrent;
        Bias = biases;
        Slots = slots;
        Count = offset;
        Units = [.. spec.Units];
        Inputs = [.. Enumerable.Range(0, spec.Layers).Select(spec.InputsOf)];
        MaxWidth = Math.Max(Units.Max(), Inputs.Max());
    }

    public ModelSpec Spec { get; }

    /// <summary>Total number of parameters.</summary>
    public int Count { get; }

    /// <summary>All tensors in Keras order.</summary>
    public IReadOnlyList<TensorSlot> Slots { get; }

    public IReadOnlyList<TensorSlot> Kernel { get; }
    public IReadOnlyList<TensorSlot> RecurrentKernel { get; }
    public IReadOnlyList<TensorSlot> Bias { get; }
    public TensorSlot DenseKernel { get; }
    public TensorSlot DenseBias { get; }

    public int Features => Spec.Features;
    public int Outputs => Spec.Outputs;
    public int Layers => Spec.Layers;

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
}
