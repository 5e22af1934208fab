using System.Text.Json;
using GpuRnn.Training.Data;

namespace GpuRnn.Training.Model;

/// <summary>
/// Format 3's <c>"inputs"</c> (added by the other format 2): one <c>{"column": NAME, "min": …, "max": …}</c> per feature, in the kernel's row
/// order. The target keeps format 1's <c>"column"</c> and <c>"scaler"</c>; a file without <c>"inputs"</c> is the
/// tutorial's form (the one input is the target), which is all format 1 could say.
/// </summary>
public static partial class ModelFile
{
    static void WriteInputs(TextWriter w, IReadOnlyList<ColumnScaler> inputs)
    {
        w.Write(",\n  \"inputs\": [");
        for (int i = 0; i < inputs.Count; i++)
            w.Write($"{(i == 0 ? "" : ",")}\n    {{\"column\": {Text(inputs[i].Column)}, \"min\": {Number(inputs[i].Scaler.Min)}, \"max\": {Number(inputs[i].Scaler.Max)}}}");
        w.Write("\n  ]");
    }

    static List<ColumnScaler> ReadInputs(JsonStream json, string path)
    {
        if (json.Token != JsonTokenType.StartArray)
            throw new GpuRnnInputException($"{path}: \"inputs\" is {json.Describe()}, not a list of {{\"column\", \"min\", \"max\"}} objects");
        var inputs = new List<ColumnScaler>();
        for (json.Next("\"inputs\""); json.Token != JsonTokenType.EndArray; json.Next("\"inputs\""))
        {
            if (inputs.Count == ModelSpec.MaxFeatures) throw new GpuRnnInputException($"{path}: \"inputs\" lists more than {ModelSpec.MaxFeatures} columns");
            var scaler = ReadScaler(json, path, $"input {inputs.Count + 1} of \"inputs\"", out var column, named: true);
            inputs.Add(new ColumnScaler(column!, scaler));
        }
        return inputs;
    }

    /// <summary>Inputs, when listed, are one distinct column per feature, and the target they feed is named and scaled.</summary>
    static void CheckInputs(SavedModel model)
    {
        if (model.Inputs is not { } inputs) return;
        if (inputs.Count != model.Spec.Features)
            throw new ArgumentException($"\"inputs\" lists {inputs.Count} column(s) but the model takes {model.Spec.Features} feature(s) per step");
        if (inputs.GroupBy(c => c.Column).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"\"inputs\" lists column '{twice.Key}' {twice.Count()} times");
        if (model.Column is null || model.Scaler is null)
            throw new ArgumentException("a model with \"inputs\" needs its target's \"column\" and \"scaler\"");
    }
}
