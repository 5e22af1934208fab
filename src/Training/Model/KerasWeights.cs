using System.Globalization;
using System.Text.Json;
using GpuRnn.Kernels;

namespace GpuRnn.Training.Model;

/// <summary>
/// Keras's <c>get_weights()</c> as JSON: a list of tensors in <see cref="ParameterLayout"/> order, each kernel a list
/// of rows (<c>[[…], […]]</c>) and each bias a flat list, exactly as <c>[w.tolist() for w in model.get_weights()]</c>
/// writes them. Reading checks the whole nesting, not only the count of numbers: a flat, transposed or ragged kernel
/// holds the right number of values in the wrong places.
/// </summary>
static class KerasWeights
{
    /// <summary>A file this much larger than its weights need is not a model file (or hides something else).</summary>
    public const int MaxBytesPerParameter = 40;
    public const long SlackBytes = 1 << 20;

    static bool IsBias(TensorSlot slot) => slot.Name.EndsWith("bias", StringComparison.Ordinal);

    static string Shape(TensorSlot slot) => IsBias(slot) ? $"a flat list of {slot.Columns}" : $"{slot.Rows}×{slot.Columns}";

    /// <summary>Refuses, before any weight is read, a file far larger than <paramref name="layout"/>'s weights need.</summary>
    public static void EnsureSizeFits(long fileBytes, ParameterLayout layout, string source)
    {
        long allowed = (long)MaxBytesPerParameter * layout.Count + SlackBytes;
        if (fileBytes > allowed)
            throw new GpuRnnInputException(string.Create(CultureInfo.InvariantCulture,
                $"{source}: the file is {fileBytes / 1e6:F1} MB, far more than the {layout.Count} weights of its model need (at most {allowed / 1e6:F1} MB)"));
    }

    /// <summary>
    /// Reads the weight list that starts at the current token (a <c>[</c>) straight into a new parameter vector,
    /// each tensor in the shape <paramref name="layout"/> gives it; the reader ends on the list's <c>]</c>.
    /// </summary>
    public static float[] Read(JsonStream json, ParameterLayout layout, string source)
    {
        string Expected() => $"expected {layout.Slots.Count} weight tensors in Keras order ({string.Join(", ", layout.Slots.Select(s => s.Name))})";
        if (json.Token != JsonTokenType.StartArray) throw new GpuRnnInputException($"{source}: the weights are {json.Describe()}; {Expected()}");
        var p = new float[layout.Count];
        for (int s = 0; s < layout.Slots.Count; s++)
        {
            var slot = layout.Slots[s];
            json.Next("the weights");
            if (json.Token == JsonTokenType.EndArray) throw new GpuRnnInputException($"{source}: {Expected()}, got {s}");
            if (json.Token != JsonTokenType.StartArray)
                throw new GpuRnnInputException($"{source}: {slot.Name} should be {Shape(slot)}, got {json.Describe()}");
            if (IsBias(slot))
            {
                ReadRow(json, p.AsSpan(slot.Offset, slot.Columns), slot, null, source);
                continue;
            }
            for (int r = 0; r < slot.Rows; r++)
            {
                json.Next(slot.Name);
                if (json.Token == JsonTokenType.EndArray)
                    throw new GpuRnnInputException($"{source}: {slot.Name} should be {Shape(slot)}, got {r} row{(r == 1 ? "" : "s")}");
                if (json.Token != JsonTokenType.StartArray)
                    throw new GpuRnnInputException($"{source}: {slot.Name} should be {Shape(slot)} as a list of {slot.Rows} rows, got "
                        + (json.Token == JsonTokenType.Number ? "a flat list" : $"{json.Describe()} as row {r + 1}"));
                ReadRow(json, p.AsSpan(slot.Offset + r * slot.Columns, slot.Columns), slot, r, source);
            }
            json.Next(slot.Name);
            if (json.Token != JsonTokenType.EndArray)
                throw new GpuRnnInputException($"{source}: {slot.Name} should be {Shape(slot)}, got more than {slot.Rows} rows");
        }
        json.Next("the weights");
        if (json.Token != JsonTokenType.EndArray) throw new GpuRnnInputException($"{source}: {Expected()}, got more");
        return p;
    }

    /// <summary>One list of numbers (a bias, or row <paramref name="row"/> of a kernel) from its <c>[</c> to its <c>]</c>.</summary>
    static void ReadRow(JsonStream json, Span<float> into, TensorSlot slot, int? row, string source)
    {
        string where = row is { } r ? $"row {r + 1} of {slot.Name}" : slot.Name;
        for (int c = 0; c < into.Length; c++)
        {
            json.Next(where);
            if (json.Token == JsonTokenType.EndArray)
                throw new GpuRnnInputException($"{source}: {slot.Name} should be {Shape(slot)}: {(row is null ? "it" : where)} has {c} value{(c == 1 ? "" : "s")}");
            if (json.Token == JsonTokenType.StartArray)
                throw new GpuRnnInputException($"{source}: {slot.Name} should be {Shape(slot)}, got a list nested deeper");
            if (json.Token != JsonTokenType.Number || !json.TryFloat(out into[c]))
                throw new GpuRnnInputException($"{source}: {slot.Name} holds {json.Describe()} (value {c + 1} of {where}); weights must be finite float32 numbers");
        }
        json.Next(where);
        if (json.Token != JsonTokenType.EndArray)
            throw new GpuRnnInputException($"{source}: {slot.Name} should be {Shape(slot)}: {(row is null ? "it" : where)} has more than {into.Length} values");
    }

    /// <summary>A tensor's nesting as read from a bare list: a kernel has rows, a bias has none.</summary>
    public readonly record struct TensorShape(bool HasRows, int Rows, int Columns)
    {
        public override string ToString() => HasRows ? $"{Rows}×{Columns}" : $"a flat list of {Columns}";
    }

    /// <summary>
    /// The shapes of a bare weight list, from its <c>[</c> to its <c>]</c>, keeping no values (the weights are read in a
    /// second pass, once the shapes give the model); each tensor must be a flat list or a rectangular list of rows.
    /// What the values are is checked in that second pass, which can name each tensor.
    /// </summary>
    public static List<TensorShape> ReadShapes(JsonStream json, string source)
    {
        var shapes = new List<TensorShape>();
        while (true)
        {
            json.Next("the weight list");
            if (json.Token == JsonTokenType.EndArray) return shapes;
            string name = $"weight tensor {shapes.Count + 1}";
            if (json.Token != JsonTokenType.StartArray) throw new GpuRnnInputException($"{source}: {name} is {json.Describe()}, not a list");
            json.Next(name);
            if (json.Token != JsonTokenType.StartArray)
            {
                int count = 0;
                for (; json.Token != JsonTokenType.EndArray; json.Next(name)) { CheckScalar(json, name, source); count++; }
                shapes.Add(new TensorShape(false, 1, count));
                continue;
            }
            int rows = 0, columns = -1;
            for (; json.Token != JsonTokenType.EndArray; json.Next(name))
            {
                if (json.Token != JsonTokenType.StartArray)
                    throw new GpuRnnInputException($"{source}: {name} mixes rows and numbers (row {rows + 1} is {json.Describe()})");
                int count = 0;
                for (json.Next(name); json.Token != JsonTokenType.EndArray; json.Next(name)) { CheckScalar(json, name, source); count++; }
                rows++;
                if (columns >= 0 && count != columns)
                    throw new GpuRnnInputException($"{source}: {name} is ragged: row {rows} has {count} values, the rows before it {columns}");
                columns = count;
            }
            shapes.Add(new TensorShape(true, rows, columns));
        }
    }

    static void CheckScalar(JsonStream json, string name, string source)
    {
        if (json.Token == JsonTokenType.StartArray) throw new GpuRnnInputException($"{source}: {name} is nested deeper than a kernel's rows");
        json.SkipValue(); // an object: the second pass names it
    }

    /// <summary>
    /// The model that a bare list's shapes describe: per SimpleRNN layer kernel [inputs×units], recurrent
    /// [units×units], bias [units]; then the Dense kernel [units×outputs] and bias [outputs]. Every tensor must agree.
    /// </summary>
    public static ModelSpec InferSpec(List<TensorShape> shapes, ModelFile.KerasDefaults keras, string source)
    {
        if (shapes.Count < 5 || (shapes.Count - 2) % 3 != 0)
            throw new GpuRnnInputException($"{source}: a Keras SimpleRNN + Dense weight list has 3 tensors per SimpleRNN layer and 2 for Dense (got {shapes.Count})");
        int layers = (shapes.Count - 2) / 3;
        ModelSpec spec;
        try
        {
            // Sizes come from the biases, so that a transposed kernel is the one reported, not its neighbours.
            spec = new ModelSpec(shapes[0].Rows, [.. Enumerable.Range(0, layers).Select(l => shapes[3 * l + 2].Columns)], shapes[^1].Columns,
                keras.Hidden, keras.Output, keras.TimeSteps).Validated();
        }
        catch (GpuRnnInputException e) { throw new GpuRnnInputException($"{source}: {e.Message}", e); }
        var layout = spec.Layout();
        for (int s = 0; s < shapes.Count; s++)
        {
            var slot = layout.Slots[s];
            var want = new TensorShape(!IsBias(slot), slot.Rows, slot.Columns);
            if (shapes[s] != want)
                throw new GpuRnnInputException($"{source}: {slot.Name} (weight tensor {s + 1}) is {shapes[s]} but should be {want} "
                    + $"to fit the others ({spec.Features} feature(s), units {string.Join(",", spec.Units)}, {spec.Outputs} output(s))");
        }
        return spec;
    }

    /// <summary>
    /// Writes the list compactly but readably: one tensor per line, and one line per kernel row, each number in its
    /// shortest text that reads back to the same float32 (a 4096-unit model is then about 12 bytes per weight).
    /// </summary>
    public static void Write(TextWriter writer, ParameterLayout layout, float[] parameters, string indent)
    {
        var number = new char[32];
        void Number(float v)
        {
            if (!float.IsFinite(v)) throw new InvalidOperationException("a weight is not finite, so it cannot be written as JSON");
            v.TryFormat(number, out int n, "R", CultureInfo.InvariantCulture);
            writer.Write(number[..n]);
        }
        writer.Write('[');
        for (int s = 0; s < layout.Slots.Count; s++)
        {
            var slot = layout.Slots[s];
            writer.Write(s == 0 ? "\n" : ",\n");
            writer.Write(indent);
            writer.Write("  ");
            if (!IsBias(slot)) writer.Write('[');
            for (int r = 0; r < slot.Rows; r++)
            {
                if (r > 0) { writer.Write(",\n"); writer.Write(indent); writer.Write("   "); }
                writer.Write('[');
                for (int c = 0; c < slot.Columns; c++)
                {
                    if (c > 0) writer.Write(',');
                    Number(parameters[slot.At(r, c)]);
                }
                writer.Write(']');
            }
            if (!IsBias(slot)) writer.Write(']');
        }
        writer.Write('\n');
        writer.Write(indent);
        writer.Write(']');
    }
}
