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

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Model, Activation, OutputActivation, TimeSteps }) command.Options.Add(o);
    }

    /// <summary>The files a command on this model reads, for its <see cref="FilePlan"/>: the model, and the series
    /// (<paramref name="data"/>'s, or the file the model remembers).</summary>
    public FilePlan Plan(ParseResult result, DataOptions data, SavedModel saved) =>
        new FilePlan().Input("--model", result.GetValue(Model)).Input("--data", result.GetValue(data.Data) ?? saved.DataPath);

    /// <summary>The series the model runs on (<paramref name="data"/>, defaulting to the model's column), and the
    /// scaler: the model's own, or for a Keras weight list one fitted on the whole series as the tutorial does.</summary>
    public static (Series Series, MinMaxScaler Scaler) SeriesFor(ParseResult result, DataOptions data, SavedModel saved)
    {
        var series = data.Load(result, saved.Column, saved.DataPath, saved.DateOptions);
        return (series, saved.Scaler ?? MinMaxScaler.Fit(series.Values));
    }

    public SavedModel Load(ParseResult result) =>
        ModelFile.Load(result.GetValue(Model)!, new ModelFile.KerasDefaults(
            ActivationNames.Parse(result.GetValue(Activation)!), ActivationNames.Parse(result.GetValue(OutputActivation)!), result.GetValue(TimeSteps)));

}
