namespace GpuRnn.Cli.Commands;

/// <summary>The network's shape as options: <c>--hidden 3</c> (or <c>8,4</c> to stack), activations, time steps.</summary>
sealed class ModelOptions(int defaultUnits, string defaultActivation)
{
    public Option<string> Hidden { get; } = new("--hidden", "--units")
    {
        Description = "hidden units of the SimpleRNN layer; a comma list stacks layers, bottom first",
        DefaultValueFactory = _ => defaultUnits.ToString(CultureInfo.InvariantCulture),
        HelpName = "N[,N…]",
    };
    public Option<string> Activation { get; } = new("--activation")
    {
        Description = "SimpleRNN activation: linear, tanh, relu, sigmoid",
        DefaultValueFactory = _ => defaultActivation,
    };
    public Option<string> OutputActivation { get; } = new("--output-activation")
    {
        Description = "Dense activation: linear, tanh, relu, sigmoid",
        DefaultValueFactory = _ => defaultActivation,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Hidden);
        command.Options.Add(Activation);
        command.Options.Add(OutputActivation);
    }

    public ModelSpec Spec(ParseResult result, int timeSteps) =>
        new ModelSpec(1, ParseUnits(result.GetValue(Hidden)!), 1,
            ActivationNames.Parse(result.GetValue(Activation)!), ActivationNames.Parse(result.GetValue(OutputActivation)!), timeSteps).Validated();

    static int[] ParseUnits(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var units = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out units[i]) || units[i] < 1)
                throw new GpuRnnInputException($"--hidden takes positive whole numbers separated by commas (got '{text}')");
        return units;
    }

}
