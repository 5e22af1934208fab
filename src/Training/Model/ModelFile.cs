using System.Text.Json;
using System.Text.Json.Nodes;
using GpuRnn.Training.Data;

namespace GpuRnn.Training.Model;

/// <summary>
/// A trained model as saved on disk: its spec, its weights, the scaler fitted on its data, and where that data came
/// from (the CSV's full path, or null for the embedded sunspots; and the column), so predict and forecast default to it.
/// </summary>
public sealed record SavedModel(ModelSpec Spec, float[] Parameters, MinMaxScaler? Scaler, string? Column = null, string? DataPath = null);

/// <summary>
/// Reads and writes models as JSON. The weights are a list of nested lists in Keras's <c>get_weights()</c> order
/// and shapes, so that <c>json.dumps([w.tolist() for w in model.get_weights()])</c> is the same thing.
/// </summary>
public static class ModelFile
{
    public const string Format = "gpurnn-model/1";

    public static void Save(string path, SavedModel model, Action<string, Action<Stream>>? write = null)
    {
        var layout = new ParameterLayout(model.Spec);
        var root = new JsonObject
        {
            ["format"] = Format,
            ["spec"] = new JsonObject
            {
                ["features"] = model.Spec.Features,
                ["units"] = new JsonArray([.. model.Spec.Units.Select(u => (JsonNode)u)]),
                ["outputs"] = model.Spec.Outputs,
                ["hidden_activation"] = model.Spec.HiddenActivation.ToKeras(),
                ["output_activation"] = model.Spec.OutputActivation.ToKeras(),
                ["time_steps"] = model.Spec.TimeSteps,
            },
            ["weights"] = WeightsToJson(layout, model.Parameters),
        };
        if (model.Scaler is { } s) root["scaler"] = new JsonObject { ["min"] = s.Min, ["max"] = s.Max };
        if (model.Column is { } c) root["column"] = c;
        if (model.DataPath is { } d) root["data"] = Path.GetFullPath(d);
        string json = root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        (write ?? AtomicFile.Write)(path, s => { using var w = new StreamWriter(s); w.Write(json); }); // a command passes its OutputSet
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
        var root = ReadJson(path);
        if (root is JsonArray list && keras is not null)
        {
            var spec = InferSpec(list, keras, path);
            return new SavedModel(spec, WeightsFromJson(new ParameterLayout(spec), list, path), null);
        }
        try
        {
            if (root is not JsonObject obj || (string?)obj["format"] != Format)
                throw new GpuRnnInputException($"{path}: not a gpurnn model file (expected \"format\": \"{Format}\")");
            var specNode = obj["spec"] ?? throw new GpuRnnInputException($"{path}: no \"spec\"");
            var spec = new ModelSpec(
                (int)specNode["features"]!,
                [.. specNode["units"]!.AsArray().Select(u => (int)u!)],
                (int)specNode["outputs"]!,
                ParseActivation((string)specNode["hidden_activation"]!, path),
                ParseActivation((string)specNode["output_activation"]!, path),
                (int)specNode["time_steps"]!).Validated();
            var parameters = WeightsFromJson(new ParameterLayout(spec), obj["weights"], path);
            MinMaxScaler? scaler = obj["scaler"] is JsonObject sc ? new MinMaxScaler((double)sc["min"]!, (double)sc["max"]!) : null;
            return new SavedModel(spec, parameters, scaler, (string?)obj["column"], (string?)obj["data"]);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or ArgumentException)
        {
            throw new GpuRnnInputException($"{path}: malformed model file ({e.Message})", e);
        }
    }

    internal static JsonNode? ReadJson(string path)
    {
        if (!File.Exists(path)) throw new GpuRnnInputException($"model file not found: {path}");
        try { return JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new GpuRnnInputException($"{path}: not valid JSON ({e.Message})", e); }
    }

    /// <summary>
    /// Reads the layers off the shapes: per SimpleRNN layer kernel [inputs×units], recurrent [units×units], bias
    /// [units]; then the Dense kernel [units×outputs] and bias [outputs].
    /// </summary>
    static ModelSpec InferSpec(JsonArray list, KerasDefaults keras, string path)
    {
        static (int Rows, int Columns) Shape(JsonNode? n) =>
            n is JsonArray rows && rows.Count > 0 && rows[0] is JsonArray first ? (rows.Count, first.Count) : (1, (n as JsonArray)?.Count ?? 0);
        if (list.Count < 5 || (list.Count - 2) % 3 != 0)
            throw new GpuRnnInputException($"{path}: a Keras SimpleRNN + Dense weight list has 3 tensors per SimpleRNN layer and 2 for Dense (got {list.Count})");
        int layers = (list.Count - 2) / 3;
        int features = Shape(list[0]).Rows;
        var units = Enumerable.Range(0, layers).Select(l => Shape(list[3 * l]).Columns).ToArray();
        int outputs = Shape(list[^2]).Columns;
        return new ModelSpec(features, units, outputs, keras.Hidden, keras.Output, keras.TimeSteps).Validated();
    }

    /// <summary>Keras's nested lists: 2-D kernels as rows of columns, biases as flat lists.</summary>
    public static JsonArray WeightsToJson(ParameterLayout layout, float[] parameters)
    {
        var list = new JsonArray();
        foreach (var slot in layout.Slots)
        {
            bool isBias = slot.Name.EndsWith("bias", StringComparison.Ordinal);
            if (isBias)
                list.Add(new JsonArray([.. Enumerable.Range(0, slot.Columns).Select(c => (JsonNode)parameters[slot.At(0, c)])]));
            else
                list.Add(new JsonArray([.. Enumerable.Range(0, slot.Rows).Select(r =>
                    (JsonNode)new JsonArray([.. Enumerable.Range(0, slot.Columns).Select(c => (JsonNode)parameters[slot.At(r, c)])]))]));
        }
        return list;
    }

    public static float[] WeightsFromJson(ParameterLayout layout, JsonNode? weights, string source)
    {
        if (weights is not JsonArray tensors || tensors.Count != layout.Slots.Count)
            throw new GpuRnnInputException($"{source}: expected {layout.Slots.Count} weight tensors in Keras order ({string.Join(", ", layout.Slots.Select(s => s.Name))})");
        var p = new float[layout.Count];
        for (int s = 0; s < layout.Slots.Count; s++)
        {
            var slot = layout.Slots[s];
            var values = Flatten(tensors[s]).ToArray();
            if (values.Length != slot.Length)
                throw new GpuRnnInputException($"{source}: {slot.Name} should be {slot.Rows}×{slot.Columns} ({slot.Length} values), got {values.Length}");
            values.CopyTo(p, slot.Offset);
        }
        return p;
    }

    static IEnumerable<float> Flatten(JsonNode? node) => node switch
    {
        JsonArray a => a.SelectMany(Flatten),
        JsonValue v => [(float)v.GetValue<double>()],
        _ => throw new FormatException("a weight is null"),
    };

    static Activation ParseActivation(string text, string path) =>
        ActivationNames.TryParse(text, out var a) ? a : throw new GpuRnnInputException($"{path}: unknown activation '{text}'");
}
