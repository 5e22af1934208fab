using GpuRnn.Training.Data;

namespace GpuRnn.Training.Model;

/// <summary>The columns a saved model reads, and the scalers it maps them with.</summary>
public static class SavedModelColumns
{
    /// <summary>
    /// The input columns the model names (in feature order) and its target: its <see cref="SavedModel.Inputs"/>, or in
    /// the tutorial's form its one column, which is both. Null where a model of several features names none (a Keras
    /// weight list, which carries no columns).
    /// </summary>
    public static (IReadOnlyList<string> Inputs, string Target)? ColumnNames(this SavedModel model, string defaultColumn) =>
        model.Inputs is { } inputs ? ([.. inputs.Select(c => c.Column)], model.Column!)
        : model.Spec.Features == 1 ? ([model.Column ?? defaultColumn], model.Column ?? defaultColumn)
        : null;

    /// <summary>
    /// <paramref name="inputs"/> and <paramref name="target"/> with the model's scalers: its input scalers in feature
    /// order and its target scaler. A scaler the model does not carry (a Keras weight list has none) is fitted on the
    /// whole column, as the tutorial fits it.
    /// </summary>
    public static ModelColumns Scale(this SavedModel model, IReadOnlyList<Series> inputs, Series target)
    {
        if (inputs.Count != model.Spec.Features)
            throw new GpuRnnInputException($"the model reads {model.Spec.Features} feature(s) per step but {inputs.Count} input column(s) were given");
        var targetScaler = model.Scaler ?? MinMaxScaler.Fit(target.Values);
        bool univariate = model.Inputs is null && inputs.Count == 1 && inputs[0].Name == target.Name;
        var scalers = inputs.Select((s, i) => model.Inputs?[i].Scaler ?? (univariate ? targetScaler : MinMaxScaler.Fit(s.Values)));
        return new ModelColumns(inputs, [.. scalers], target, targetScaler);
    }
}
