using GpuRnn.Kernels;

namespace GpuRnn.Training.Model;

/// <summary>
/// The shape of an Elman network as Keras builds it: one or more stacked SimpleRNN layers (every layer but the
/// last returns its whole sequence) followed by one Dense layer applied to the last hidden state.
/// </summary>
/// <param name="Features">Inputs per time step.</param>
/// <param name="Units">Hidden units of each SimpleRNN layer, bottom first.</param>
/// <param name="Outputs">Units of the Dense head.</param>
/// <param name="HiddenActivation">Activation of every SimpleRNN layer.</param>
/// <param name="OutputActivation">Activation of the Dense head.</param>
/// <param name="TimeSteps">
/// Window length the model was trained with: model files store it and the data pipeline windows with it. The
/// weights do not depend on it (as in Keras), so engines train and predict windows of any length.
/// </param>
public sealed record ModelSpec(
    int Features,
    IReadOnlyList<int> Units,
    int Outputs,
    Activation HiddenActivation,
    Activation OutputActivation,
    int TimeSteps)
{
    /// <summary>The tutorial's network: SimpleRNN(3, tanh) + Dense(1, tanh) over windows of 12 months.</summary>
    public static ModelSpec Tutorial { get; } = new(1, [3], 1, Activation.Tanh, Activation.Tanh, 12);

    public int Layers => Units.Count;

    /// <summary>Where this network's parameters live and the sizes engines and kernels loop over (a new layout each call).</summary>
    public ParameterLayout Layout() => new(Features, Units, Outputs, HiddenActivation, OutputActivation);

    /// <summary>Sizes beyond these are refused, so that every count and offset of a model fits an <c>int</c>.</summary>
    public const int MaxUnits = 4096, MaxTimeSteps = 100_000, MaxFeatures = 65_536, MaxOutputs = 65_536, MaxLayers = 64;

    /// <summary>Throws <see cref="GpuRnnInputException"/> when a size is not a positive count in its range.</summary>
    public ModelSpec Validated()
    {
        if (Features < 1 || Features > MaxFeatures) throw new GpuRnnInputException($"features must be between 1 and {MaxFeatures} (got {Features})");
        if (Units.Count == 0) throw new GpuRnnInputException("the model needs at least one SimpleRNN layer");
        if (Units.Count > MaxLayers) throw new GpuRnnInputException($"the model may have at most {MaxLayers} SimpleRNN layers (got {Units.Count})");
        foreach (var u in Units)
            if (u < 1 || u > MaxUnits) throw new GpuRnnInputException($"hidden units must be between 1 and {MaxUnits} (got {u})");
        if (Outputs < 1 || Outputs > MaxOutputs) throw new GpuRnnInputException($"outputs must be between 1 and {MaxOutputs} (got {Outputs})");
        if (TimeSteps < 1 || TimeSteps > MaxTimeSteps) throw new GpuRnnInputException($"time steps must be between 1 and {MaxTimeSteps} (got {TimeSteps})");
        long parameters = ParameterLayout.CountOf(Features, Units, Outputs); // counted, not laid out: refused before any allocation
        if (parameters > Array.MaxLength)
            throw new GpuRnnInputException($"the model would have {parameters} parameters, more than one array holds ({Array.MaxLength})");
        return this;
    }

    /// <summary>
    /// Refuses, in one line, windows of another width or output count than the model's, or of a length outside
    /// 1 … <see cref="MaxTimeSteps"/>; any length in that range fits, since the weights do not depend on it.
    /// </summary>
    public void EnsureFits(Data.WindowSet windows)
    {
        if (windows.TimeSteps < 1 || windows.TimeSteps > MaxTimeSteps)
            throw new GpuRnnInputException($"windows must have between 1 and {MaxTimeSteps} time steps (got {windows.TimeSteps})");
        if (windows.Features != Features || windows.Outputs != Outputs)
            throw new GpuRnnInputException(
                $"the windows ({windows.TimeSteps} steps × {windows.Features} features → {windows.Outputs}) do not fit the model ({this})");
    }

    public bool Equals(ModelSpec? other) =>
        other is not null && Features == other.Features && Units.SequenceEqual(other.Units) && Outputs == other.Outputs
        && HiddenActivation == other.HiddenActivation && OutputActivation == other.OutputActivation && TimeSteps == other.TimeSteps;

    public override int GetHashCode() => HashCode.Combine(Features, string.Join(",", Units), Outputs, HiddenActivation, OutputActivation, TimeSteps);

    public override string ToString() =>
        $"SimpleRNN({string.Join(",", Units)}, {HiddenActivation.ToKeras()}) + Dense({Outputs}, {OutputActivation.ToKeras()}), {TimeSteps} steps × {Features} feature(s)";
}
