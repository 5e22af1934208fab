using System.CommandLine;
using GpuRnn.Kernels;
using GpuRnn.Training.Data;
using GpuRnn.Training.Model;
using GpuRnn.Training;

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

    /// <summary>
    /// The model and the columns it runs on: those the options name (as many inputs as the model has features), else
    /// the model's own, read from <c>--data</c> or else the model's data; each scaled by the model's scaler, or for a
    /// Keras weight list by one fitted on the whole column as the tutorial does.
    /// </summary>
    public (SavedModel Model, ModelColumns Columns) LoadWithColumns(ParseResult result, DataOptions data)
    {
        var saved = Load(result);
        string path = result.GetValue(Model)!;
        var own = saved.ColumnNames(CsvSeriesReader.DefaultColumn);
        var choice = data.Choice(result) ?? (own is { } names ? new ColumnChoice(names.Inputs, names.Target, "the model")
            : throw new GpuRnnInputException($"{path} reads {saved.Spec.Features} features per step and names no columns: give them with --features A,B,… and --target C"));
        if (choice.Inputs.Count != saved.Spec.Features)
            throw new GpuRnnInputException($"{choice.Asked} names {choice.Inputs.Count} input column(s) but {path} reads {saved.Spec.Features} per step"
                + $"{(own is { } o ? $" ({string.Join(", ", o.Inputs)} → target {o.Target})" : "")}; name as many with --features");
        var (inputs, target) = data.LoadColumns(result, choice, saved.DataPath);
        return (saved, saved.Scale(inputs, target));
    }

    public SavedModel Load(ParseResult result) =>
        ModelFile.Load(result.GetValue(Model)!, new ModelFile.KerasDefaults(
            ActivationNames.Parse(result.GetValue(Activation)!), ActivationNames.Parse(result.GetValue(OutputActivation)!), result.GetValue(TimeSteps)));

}
