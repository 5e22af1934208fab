using System.Globalization;
using System.Text.Json;
using System.Text;
using GpuRnn.Kernels;
using GpuRnn.Training.Data;
using GpuRnn.Training.Files;
using GpuRnn.Training.Intervals;

namespace GpuRnn.Training.Model;

/// <summary>
/// A trained model as saved on disk: its spec, its weights, the scaler fitted on its target column, and where that data
/// came from (the CSV's full path, or null for the embedded sunspots; and the target column), so predict and forecast
/// default to it.
/// </summary>
public sealed record SavedModel(ModelSpec Spec, float[] Parameters, MinMaxScaler? Scaler, string? Column = null, string? DataPath = null,
    TrainingRecord? Training = null)
{
    /// <summary>
    /// The input columns, one per feature in the kernel's row order, each with its scaler; null in the tutorial's
    /// form, where the one input is the target <see cref="Column"/> itself, scaled by <see cref="Scaler"/>.
    /// </summary>
    public IReadOnlyList<ColumnScaler>? Inputs { get; init; }

    /// <summary>How the series' dates were read (the date column's header, or "none"; the gap filling), so the same
    /// series is read again by default; null where none were found, and in files from before dates.</summary>
    public DateOptions? DateOptions { get; init; }

    /// <summary>The series' frequency, date format and last date, to date a forecast; null for a series without dates.</summary>
    public DateRecord? Dates { get; init; }

    /// <summary>Held-out errors of h-step recursive forecasts, for prediction intervals; null in files from before them.</summary>
    public ForecastResiduals? Residuals { get; init; }

    /// <summary>
    /// For a model of one series among many in a long file (<c>train-many --id-column</c>): the id column and the
    /// series' id, so that the series is found again in <see cref="DataPath"/>; null otherwise.
    /// </summary>
    public SeriesKey? Series { get; init; }

    /// <summary>This model with the dates of the series it learnt, and how they were read (<paramref name="asked"/>: the options it was read with).</summary>
    public SavedModel WithDates(Series series, DateOptions asked) => this with
    {
        DateOptions = series.Dates is { } d ? new DateOptions(d.Column, d.FillGaps) : asked.IsOff ? Data.DateOptions.None : null,
        Dates = series.Dates?.End,
    };
}

/// <summary>Which rows of a long file are one series: those whose <see cref="IdColumn"/> holds <see cref="Id"/>.</summary>
public sealed record SeriesKey(string IdColumn, string Id);

/// <summary>
/// How a saved model was trained, so a result can be reproduced or compared: the seed, Adam's learning rate, the
/// epochs asked for and run, the batch size, the validation split and whether the windows were shuffled. Files
/// written before it existed load without one.
/// </summary>
public sealed record TrainingRecord(int Seed, float LearningRate, int Epochs, int EpochsRun, int BatchSize, double ValidationSplit, bool Shuffle)
{
    public static TrainingRecord Of(TrainingOptions options, TrainingHistory history) =>
        new(options.Seed, options.Adam.LearningRate, options.Epochs, history.Epochs.Count, options.BatchSize, options.ValidationSplit, options.Shuffle);
}

/// <summary>
/// Reads and writes models as JSON. The weights are a list of nested lists in Keras's <c>get_weights()</c> order
/// and shapes, so that <c>json.dumps([w.tolist() for w in model.get_weights()])</c> is the same thing.
/// Files are read as a stream of tokens, the spec first, and checked whole: every field, every tensor's nesting,
/// every weight finite, and a size that fits the weights (so a huge file is refused before it is parsed).
/// </summary>
public static partial class ModelFile
{
    /// <summary>
    /// The format written: 3 carries both additions to format 1 — the series' dates (<c>"date_column"</c>,
    /// <c>"fill_gaps"</c>, <c>"dates"</c>) and a scaler per input column (<c>"inputs"</c>). Format 2 was written
    /// with either (by two lines of development that each called their format 2); all four load.
    /// </summary>
    public const string Format = "gpurnn-model/3";

    /// <summary>The first format (one column, one scaler), still read.</summary>
    public const string FormatV1 = "gpurnn-model/1";

    /// <summary>Every format read: 1, 2 (with dates or with inputs) and 3.</summary>
    public static IReadOnlyList<string> Formats { get; } = [FormatV1, "gpurnn-model/2", Format];

    public static void Save(string path, SavedModel model, Action<string, Action<Stream>>? write = null)
    {
        var spec = model.Spec;
        var layout = spec.Layout();
        CheckInputs(model);
        (write ?? AtomicFile.Write)(path, stream => // a command passes its OutputSet, to commit every output together
        {
            // 16 K chars: its buffers stay off the large-object heap, which made each save cost ~0.5 ms of garbage
            // collection when a bundle writes thousands of models.
            using var w = new StreamWriter(stream, new UTF8Encoding(false), 1 << 14, leaveOpen: true);
            w.Write($"{{\n  \"format\": {Text(Format)},\n");
            w.Write($"  \"spec\": {{\"features\": {spec.Features}, \"units\": [{string.Join(", ", spec.Units)}], \"outputs\": {spec.Outputs}, ");
            w.Write($"\"hidden_activation\": {Text(spec.HiddenActivation.ToKeras())}, \"output_activation\": {Text(spec.OutputActivation.ToKeras())}, ");
            w.Write($"\"time_steps\": {spec.TimeSteps}}},\n  \"weights\": ");
            KerasWeights.Write(w, layout, model.Parameters, "  ");
            if (model.Scaler is { } s) w.Write($",\n  \"scaler\": {{\"min\": {Number(s.Min)}, \"max\": {Number(s.Max)}}}");
            if (model.Column is { } c) w.Write($",\n  \"column\": {Text(c)}");
            if (model.Inputs is { } inputs) WriteInputs(w, inputs);
            if (model.DataPath is { } d) w.Write($",\n  \"data\": {Text(Path.GetFullPath(d))}");
            if (model.Series is { } key) w.Write($",\n  \"id_column\": {Text(key.IdColumn)},\n  \"series_id\": {Text(key.Id)}");
            if (model.Training is { } t)
                w.Write(string.Create(CultureInfo.InvariantCulture, $",\n  \"training\": {{\"seed\": {t.Seed}, \"learning_rate\": {t.LearningRate:R}, \"epochs\": {t.Epochs}, "
                    + $"\"epochs_run\": {t.EpochsRun}, \"batch_size\": {t.BatchSize}, \"validation_split\": {Number(t.ValidationSplit)}, \"shuffle\": {(t.Shuffle ? "true" : "false")}}}"));
            DatesJson.Write(w, model);
            ResidualsJson.Write(w, model);
            w.Write("\n}\n");
        });
    }

    static string Text(string s) => JsonSerializer.Serialize(s);

    static string Number(double v) => double.IsFinite(v)
        ? v.ToString("R", CultureInfo.InvariantCulture)
        : throw new InvalidOperationException("a scaler bound is not finite, so it cannot be written as JSON");

    /// <summary>The weights alone as a Keras <c>get_weights()</c> JSON list.</summary>
    public static string WeightsToJson(ParameterLayout layout, float[] parameters)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        KerasWeights.Write(text, layout, parameters, "");
        return text.ToString();
    }

    /// <summary>What a bare Keras weight list cannot say: the activations and the window length.</summary>
    public sealed record KerasDefaults(Activation Hidden = Activation.Tanh, Activation Output = Activation.Tanh, int TimeSteps = 12);

    public static SavedModel Load(string path) => Load(path, null);

    /// <summary>
    /// A gpurnn model file, or — when <paramref name="keras"/> is given — also a bare Keras <c>get_weights()</c> list,
    /// whose shapes give the layers and sizes (the activations and time steps come from <paramref name="keras"/>;
    /// no scaler is saved with it).
    /// </summary>
    public static SavedModel Load(string path, KerasDefaults? keras)
    {
        long size = InputFile.EnsureRegular(path, "model file").Size;
        using var json = OpenAtFirstToken(path);
        if (json.Token == JsonTokenType.StartArray && keras is not null)
        {
            // Two passes over the file: its shapes (nothing kept) give the model, then the weights fill a vector of that size.
            var spec = KerasWeights.InferSpec(KerasWeights.ReadShapes(json, path), keras, path);
            EnsureEnd(json, path);
            var layout = spec.Layout();
            KerasWeights.EnsureSizeFits(size, layout, path);
            using var again = OpenAtFirstToken(path);
            return new SavedModel(spec, KerasWeights.Read(again, layout, path), null);
        }
        if (json.Token != JsonTokenType.StartObject) throw NotAModel(path);

        string? format = null, column = null, data = null, dateColumn = null, idColumn = null, seriesId = null;
        var fill = GapFill.None;
        DateRecord? dates = null;
        ForecastResiduals? residuals = null;
        ModelSpec? modelSpec = null;
        float[]? weights = null;
        bool weightsLater = false;
        MinMaxScaler? scaler = null;
        List<ColumnScaler>? inputs = null;
        TrainingRecord? training = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (json.Next("the model"); json.Token == JsonTokenType.PropertyName; json.Next("the model"))
        {
            string name = json.Text!;
            if (!seen.Add(name)) throw new GpuRnnInputException($"{path}: \"{name}\" appears twice");
            json.Next($"\"{name}\"");
            switch (name)
            {
                case "format":
                    format = json.Token == JsonTokenType.String ? json.Text : null;
                    if (!Formats.Contains(format)) throw NotAModel(path);
                    break;
                case "spec":
                    modelSpec = ReadSpec(json, path);
                    break;
                case "weights" when modelSpec is null:
                    // Written before its spec (not by gpurnn): skipped now, read in a second pass once the size is known.
                    json.SkipValue();
                    weightsLater = true;
                    break;
                case "weights":
                    var layout = modelSpec.Layout();
                    KerasWeights.EnsureSizeFits(size, layout, path);
                    weights = KerasWeights.Read(json, layout, path);
                    break;
                case "scaler":
                    scaler = ReadScaler(json, path);
                    break;
                case "inputs":
                    inputs = ReadInputs(json, path);
                    break;
                case "column":
                    column = ReadText(json, name, path);
                    break;
                case "data":
                    data = ReadText(json, name, path);
                    break;
                case "id_column":
                    idColumn = ReadText(json, name, path);
                    break;
                case "series_id":
                    seriesId = ReadText(json, name, path);
                    break;
                case "training":
                    training = ReadTraining(json, path);
                    break;
                case "date_column":
                    dateColumn = ReadText(json, name, path);
                    break;
                case "fill_gaps":
                    fill = DatesJson.ReadFill(json, path);
                    break;
                case "dates":
                    dates = DatesJson.ReadRecord(json, path);
                    break;
                case "residuals":
                    residuals = ResidualsJson.Read(json, path);
                    break;
                default:
                    json.SkipValue();
                    break;
            }
        }
        EnsureEnd(json, path);
        if (format is null) throw NotAModel(path);
        if (modelSpec is null) throw new GpuRnnInputException($"{path}: no \"spec\"");
        if (weightsLater) weights = ReadWeightsAgain(path, size, modelSpec);
        if (weights is null) throw new GpuRnnInputException($"{path}: no \"weights\"");
        var model = new SavedModel(modelSpec, weights, scaler, column, data, training)
        {
            Inputs = inputs,
            DateOptions = dateColumn is null ? null : new DateOptions(dateColumn, fill),
            Dates = dates,
            Residuals = residuals,
            Series = idColumn is not null && seriesId is not null ? new SeriesKey(idColumn, seriesId)
                : idColumn is null && seriesId is null ? null
                : throw new GpuRnnInputException($"{path}: \"id_column\" and \"series_id\" go together"),
        };
        try { CheckInputs(model); }
        catch (ArgumentException e) { throw new GpuRnnInputException($"{path}: {e.Message}", e); }
        return model;
    }

    static JsonStream OpenAtFirstToken(string path)
    {
        var json = JsonStream.Open(path);
        if (!json.Read()) { json.Dispose(); throw new GpuRnnInputException($"{path}: the file is empty"); }
        return json;
    }

    /// <summary>The object's closing brace (or the list's bracket) must be the last thing in the file.</summary>
    static void EnsureEnd(JsonStream json, string path)
    {
        if (json.Token is not (JsonTokenType.EndObject or JsonTokenType.EndArray) || json.Read())
            throw new GpuRnnInputException($"{path}: not valid JSON (more after the end of the model)");
    }

    static float[] ReadWeightsAgain(string path, long size, ModelSpec spec)
    {
        var layout = spec.Layout();
        KerasWeights.EnsureSizeFits(size, layout, path);
        using var json = OpenAtFirstToken(path);
        for (json.Next("the model"); json.Token == JsonTokenType.PropertyName; json.Next("the model"))
        {
            bool isWeights = json.Text == "weights";
            json.Next("the model");
            if (isWeights) return KerasWeights.Read(json, layout, path);
            json.SkipValue();
        }
        throw new GpuRnnInputException($"{path}: no \"weights\"");
    }

    static GpuRnnInputException NotAModel(string path) =>
        new($"{path}: not a gpurnn model file (expected \"format\": {string.Join(" or ", Formats.Reverse().Select(f => $"\"{f}\""))})");

    /// <summary>The spec object: every size a whole number in its range, both activations known.</summary>
    static ModelSpec ReadSpec(JsonStream json, string path)
    {
        if (json.Token != JsonTokenType.StartObject) throw new GpuRnnInputException($"{path}: \"spec\" is {json.Describe()}, not an object");
        int? features = null, outputs = null, timeSteps = null;
        int[]? units = null;
        Activation? hidden = null, output = null;
        for (json.Next("\"spec\""); json.Token == JsonTokenType.PropertyName; json.Next("\"spec\""))
        {
            string name = json.Text!;
            json.Next($"\"{name}\"");
            switch (name)
            {
                case "features": features = ReadCount(json, name, ModelSpec.MaxFeatures, path); break;
                case "outputs": outputs = ReadCount(json, name, ModelSpec.MaxOutputs, path); break;
                case "time_steps": timeSteps = ReadCount(json, name, ModelSpec.MaxTimeSteps, path); break;
                case "hidden_activation": hidden = ReadActivation(json, name, path); break;
                case "output_activation": output = ReadActivation(json, name, path); break;
                case "units":
                    if (json.Token != JsonTokenType.StartArray)
                        throw new GpuRnnInputException($"{path}: spec \"units\" must be a list of whole numbers (got {json.Describe()})");
                    var list = new List<int>();
                    for (json.Next("\"units\""); json.Token != JsonTokenType.EndArray; json.Next("\"units\""))
                    {
                        if (list.Count == ModelSpec.MaxLayers)
                            throw new GpuRnnInputException($"{path}: spec \"units\" lists more than {ModelSpec.MaxLayers} layers");
                        list.Add(ReadCount(json, "units", ModelSpec.MaxUnits, path));
                    }
                    units = [.. list];
                    break;
                default: json.SkipValue(); break;
            }
        }
        static T Required<T>(T? value, string name, string path) where T : struct =>
            value ?? throw new GpuRnnInputException($"{path}: spec has no \"{name}\"");
        var spec = new ModelSpec(Required(features, "features", path), units ?? throw new GpuRnnInputException($"{path}: spec has no \"units\""),
            Required(outputs, "outputs", path), Required(hidden, "hidden_activation", path), Required(output, "output_activation", path),
            Required(timeSteps, "time_steps", path));
        try { return spec.Validated(); }
        catch (GpuRnnInputException e) { throw new GpuRnnInputException($"{path}: {e.Message}", e); }
    }

    static int ReadCount(JsonStream json, string name, int max, string path)
    {
        if (json.Token == JsonTokenType.Number && json.TryDouble(out double v) && v >= 1 && v <= max && v == Math.Floor(v)) return (int)v;
        throw new GpuRnnInputException($"{path}: spec \"{name}\" must be a whole number from 1 to {max} (got {json.Describe()})");
    }

    static Activation ReadActivation(JsonStream json, string name, string path) =>
        json.Token == JsonTokenType.String && ActivationNames.TryParse(json.Text!, out var a) ? a
            : throw new GpuRnnInputException($"{path}: spec \"{name}\" is {json.Describe()}, not one of linear, tanh, relu, sigmoid");

    static string ReadText(JsonStream json, string name, string path) =>
        json.Token == JsonTokenType.String ? json.Text! : throw new GpuRnnInputException($"{path}: \"{name}\" is {json.Describe()}, not a string");

    /// <summary>
    /// {"min": …, "max": …}, finite, min ≤ max. min = max is a constant series, which <see cref="MinMaxScaler"/> maps
    /// to 0 as scikit-learn does; a training run on one saves it, so it must load.
    /// </summary>
    static MinMaxScaler ReadScaler(JsonStream json, string path) => ReadScaler(json, path, "scaler", out _);

    /// <summary>
    /// A scaler object named <paramref name="what"/> in messages; with <paramref name="column"/> wanted (an input's
    /// entry), also its "column", a string.
    /// </summary>
    static MinMaxScaler ReadScaler(JsonStream json, string path, string what, out string? column, bool named = false)
    {
        string quoted = named ? what : $"\"{what}\"";
        if (json.Token != JsonTokenType.StartObject)
            throw new GpuRnnInputException($"{path}: {quoted} is {json.Describe()}, not an object with {(named ? "\"column\", " : "")}\"min\" and \"max\"");
        double? min = null, max = null;
        column = null;
        for (json.Next(quoted); json.Token == JsonTokenType.PropertyName; json.Next(quoted))
        {
            string name = json.Text!;
            json.Next($"\"{name}\"");
            if (name is "min" or "max")
            {
                if (json.Token != JsonTokenType.Number || !json.TryDouble(out double v))
                    throw new GpuRnnInputException($"{path}: {what} \"{name}\" is {json.Describe()}, not a finite number");
                if (name == "min") min = v; else max = v;
            }
            else if (named && name == "column") column = ReadText(json, "column", path);
            else json.SkipValue();
        }
        if (min is not { } lo || max is not { } hi) throw new GpuRnnInputException($"{path}: {quoted} needs both \"min\" and \"max\"");
        if (named && column is null) throw new GpuRnnInputException($"{path}: {quoted} needs a \"column\"");
        if (lo > hi)
            throw new GpuRnnInputException(string.Create(CultureInfo.InvariantCulture, $"{path}: {what} \"min\" ({lo}) is above its \"max\" ({hi})"));
        return new MinMaxScaler(lo, hi);
    }

    /// <summary>The "training" record: an object of finite numbers (and a boolean "shuffle"); unknown fields are skipped.</summary>
    static TrainingRecord ReadTraining(JsonStream json, string path)
    {
        if (json.Token != JsonTokenType.StartObject) throw new GpuRnnInputException($"{path}: \"training\" is {json.Describe()}, not an object");
        var numbers = new Dictionary<string, double>();
        bool shuffle = true;
        for (json.Next("\"training\""); json.Token == JsonTokenType.PropertyName; json.Next("\"training\""))
        {
            string name = json.Text!;
            json.Next($"\"{name}\"");
            if (name == "shuffle")
            {
                if (json.Token is not (JsonTokenType.True or JsonTokenType.False))
                    throw new GpuRnnInputException($"{path}: training \"shuffle\" is {json.Describe()}, not true or false");
                shuffle = json.Token == JsonTokenType.True;
            }
            else if (name is "seed" or "learning_rate" or "epochs" or "epochs_run" or "batch_size" or "validation_split")
            {
                if (json.Token != JsonTokenType.Number || !json.TryDouble(out double v))
                    throw new GpuRnnInputException($"{path}: training \"{name}\" is {json.Describe()}, not a finite number");
                numbers[name] = v;
            }
            else json.SkipValue();
        }
        int Count(string name) => numbers.TryGetValue(name, out double v) && v == Math.Floor(v) && Math.Abs(v) <= int.MaxValue ? (int)v
            : throw new GpuRnnInputException($"{path}: training \"{name}\" must be a whole number");
        return new TrainingRecord(Count("seed"), numbers.TryGetValue("learning_rate", out double lr) ? (float)lr : throw new GpuRnnInputException($"{path}: training needs \"learning_rate\""),
            Count("epochs"), Count("epochs_run"), Count("batch_size"), numbers.GetValueOrDefault("validation_split"), shuffle);
    }
}
