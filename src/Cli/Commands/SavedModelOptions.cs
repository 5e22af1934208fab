using System.CommandLine;
using GpuRnn.Kernels;
using GpuRnn.Training.Data;
using GpuRnn.Training.Model;
using GpuRnn.Training;
using GpuRnn.Training.Files;

namespace GpuRnn.Cli.Commands;

/// <summary>
/// <c>--model FILE</c>: a gpurnn model, or a Keras <c>get_weights()</c> JSON list, for which the activations and the
/// window length (which a weight list cannot carry) come from the options here.
/// </summary>
sealed class SavedModelOptions
{
    public Option<string> Model { get; } = new("--model") { Description = "a model from 'gpurnn train --save', or a Keras get_weights() JSON list", Required = true, HelpName = "FILE" };
    public Option<string> Activation { get; } = new("--activation") { Description = "for a Keras weight list: the SimpleRNN activation", DefaultValueFactory = _ => "tanh" };
    public Option<string> OutputActivation { get; } = new("--output-activation") { Description = "for a Keras weight list: the Dense activation", DefaultValueFactory = _ => "tanh" };
    public Option<int> TimeSteps { get; } = new("--time-steps") { Description = "for a Keras weight list: the window length", DefaultValueFactory = _ => 12 };
    public Option<double?> ScalerMin { get; } = new("--scaler-min") { Description = "for a Keras weight list: the value the training data's minimum was scaled to 0 from (default: the series' own)", HelpName = "X" };
    public Option<double?> ScalerMax { get; } = new("--scaler-max") { Description = "for a Keras weight list: the value scaled to 1 (default: the series' own maximum)", HelpName = "X" };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Model, Activation, OutputActivation, TimeSteps, ScalerMin, ScalerMax }) command.Options.Add(o);
    }

    /// <summary>The files a command on this model reads, for its <see cref="FilePlan"/>: the model, and the series
    /// (<paramref name="data"/>'s, or the file the model remembers).</summary>
    public FilePlan Plan(ParseResult result, DataOptions data, SavedModel saved) =>
        new FilePlan().Input("--model", result.GetValue(Model)).Input("--data", result.GetValue(data.Data) ?? saved.DataPath);

    /// <summary>
    /// The series the model runs on (<paramref name="data"/>, defaulting to the model's column), and the scaler: the
    /// model's own; for a Keras weight list (which carries none) <c>--scaler-min/--scaler-max</c>, or else one fitted
    /// on the whole series as the tutorial does, said in one warning line on <paramref name="stderr"/>.
    /// </summary>
    public (Series Series, MinMaxScaler Scaler) SeriesFor(ParseResult result, DataOptions data, SavedModel saved, TextWriter stderr)
    {
        var given = Given(result, saved);
        var series = data.Load(result, saved.Column, saved.DataPath, saved.DateOptions);
        if (saved.Scaler is { } own) return (series, own);
        if (given is { } scaler) return (series, scaler);
        var fitted = MinMaxScaler.Fit(series.Values);
        stderr.WriteLine($"gpurnn: warning: {result.GetValue(Model)} is a Keras weight list, which carries no scaler: the series is scaled by its own "
            + $"minimum and maximum over all {series.Length} values ({Figures.Exact(fitted.Min)} to {Figures.Exact(fitted.Max)}); give --scaler-min and --scaler-max to scale as the model was trained");
        return (series, fitted);
    }

    /// <summary>The scaler <c>--scaler-min/--scaler-max</c> give, checked before the series is read.</summary>
    MinMaxScaler? Given(ParseResult result, SavedModel saved)
    {
        double? min = result.GetValue(ScalerMin), max = result.GetValue(ScalerMax);
        if (min is null && max is null) return null;
        if (saved.Scaler is not null) throw new GpuRnnInputException($"{result.GetValue(Model)} carries its own scaler; --scaler-min and --scaler-max are for a Keras weight list");
        if (min is not { } lo || max is not { } hi) throw new GpuRnnInputException("give both --scaler-min and --scaler-max");
        if (!double.IsFinite(lo) || !double.IsFinite(hi) || !(lo < hi)) throw new GpuRnnInputException($"--scaler-min must be a number below --scaler-max (got {lo} and {hi})");
        return new MinMaxScaler(lo, hi);
    }

    public SavedModel Load(ParseResult result) =>
        ModelFile.Load(result.GetValue(Model)!, new ModelFile.KerasDefaults(
            ActivationNames.Parse(result.GetValue(Activation)!), ActivationNames.Parse(result.GetValue(OutputActivation)!), result.GetValue(TimeSteps)));

}
