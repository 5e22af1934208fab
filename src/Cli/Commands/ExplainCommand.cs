using GpuRnn.Training.Explain;

namespace GpuRnn.Cli.Commands;

/// <summary>
/// <c>gpurnn explain</c>: the tutorial's part 1. Prints the weights, computes h1…hT and the output by hand, and sets
/// them beside the model's own forward pass.
/// </summary>
static class ExplainCommand
{
    public static Command Create(TextWriter stdout)
    {
        var model = new ModelOptions(defaultUnits: 2, defaultActivation: "linear");
        var weights = new Option<string?>("--weights") { Description = "weights to use (a gpurnn model or a Keras get_weights() JSON list); default: Keras's initialisers from --seed", HelpName = "FILE" };
        var input = new Option<string>("--input") { Description = "the input sequence, comma-separated; a step of several features joins them with ':' (1:0.5,2:0.1)", DefaultValueFactory = _ => "1,2,3", HelpName = "X1,X2,…" };
        var seed = new Option<int>("--seed") { Description = "seed of the initial weights", DefaultValueFactory = _ => 1 };
        var savedModel = new Option<string?>("--model") { Description = "a model gpurnn train --save wrote: its network and weights (instead of --units, --activation, --weights)", HelpName = "FILE" };
        var backward = new Option<bool>("--backward") { Description = "also the backward pass for --target: the loss, δ at each step from the last to the first, each weight's gradient as the sum of its per-step terms, checked against the engine and finite differences" };
        var target = new Option<string?>("--target") { Description = "the target output(s) the backward pass takes the loss against, comma-separated", HelpName = "Y" };
        var command = new Command("explain", "Show how a SimpleRNN computes its output (and, with --backward, its gradients), step by step, beside the model's own") { weights, input, seed, savedModel, backward, target };
        model.AddTo(command);
        command.SetAction(result =>
        {
            var xs = ParseSteps(result.GetValue(input)!);
            int features = xs[0].Length;
            double[]? y = null;
            if (result.GetValue(backward))
            {
                if (result.GetValue(target) is not { } text) throw new GpuRnnInputException("--backward needs --target Y: the output the loss is taken against");
                y = ParseInput(text, "--target");
            }
            else if (result.GetValue(target) is not null) throw new GpuRnnInputException("--target is for --backward");
            ModelSpec spec;
            float[] p;
            if (result.GetValue(savedModel) is { } modelPath)
            {
                if (result.GetValue(weights) is not null) throw new GpuRnnInputException("give --model or --weights, not both");
                var saved = ModelFile.Load(modelPath);
                EnsureFeatures(saved.Spec.Features, features, modelPath);
                (spec, p) = (saved.Spec with { TimeSteps = xs.Length }, saved.Parameters);
            }
            else
            {
                spec = (model.Spec(result, xs.Length) with { Features = features }).Validated();
                p = result.GetValue(weights) is { } path ? LoadWeights(path, spec) : Initializers.KerasDefaults(spec.Layout(), result.GetValue(seed));
            }
            var layout = spec.Layout();
            if (y is not null && y.Length != spec.Outputs) throw new GpuRnnInputException($"--target needs {spec.Outputs} value(s), one per output (got {y.Length})");
            var byHand = StepByStep.Compute(layout, p, xs);
            var predicted = Predict(spec, p, xs);
            if (!byHand.Output.All(double.IsFinite) || !byHand.Layers.All(l => l.All(s => s.Hidden.All(double.IsFinite))) || !predicted.All(float.IsFinite))
                throw new GpuRnnInputException($"--input {result.GetValue(input)} drives the network out of range (a hidden state or the output is not a finite number); give smaller values");
            Write(stdout, spec, layout, p, xs, byHand, predicted);
            if (y is not null) ExplainBackward.Write(stdout, spec, p, xs, y);
            return 0;
        });
        return command;
    }

    static void Write(TextWriter o, ModelSpec spec, ParameterLayout layout, float[] p, double[][] xs, StepByStepResult byHand, float[] predicted)
    {
        o.WriteLine($"Model: {spec}");
        bool stacked = spec.Layers > 1;
        string Layer(int l) => stacked ? (l + 1).ToString(CultureInfo.InvariantCulture) : "";
        string[] symbols = [.. Enumerable.Range(0, spec.Layers).SelectMany(l => new[] { $"wx{Layer(l)}", $"wh{Layer(l)}", $"bh{Layer(l)}" }), "wy", "by"];
        for (int s = 0; s < layout.Slots.Count; s++)
        {
            var slot = layout.Slots[s];
            o.WriteLine($"{symbols[s]} = {slot.Name} [{slot.Rows}×{slot.Columns}] = {Format(slot, p)}");
        }
        o.WriteLine($"x = {(spec.Features == 1 ? Vector([.. xs.Select(x => x[0])]) : "[" + string.Join(", ", xs.Select(Vector)) + "]")}");
        for (int l = 0; l < spec.Layers; l++)
        {
            string h = stacked ? $"h{Layer(l)}_" : "h", below = l == 0 ? "x" : $"h{Layer(l - 1)}_";
            if (stacked) o.WriteLine($"layer {l + 1} (SimpleRNN {spec.Units[l]}), input: {(l == 0 ? "x" : $"the sequence of layer {l}")}");
            o.WriteLine($"{h}0 = {Vector(new double[spec.Units[l]])}");
            foreach (var step in byHand.Layers[l])
                o.WriteLine($"{h}{step.T} = {spec.HiddenActivation.ToKeras()}({below}{step.T}·wx{Layer(l)} + {h}{step.T - 1}·wh{Layer(l)} + bh{Layer(l)}) = {Vector(step.Hidden)}");
        }
        int last = byHand.Steps.Count;
        string top = stacked ? $"h{Layer(spec.Layers - 1)}_{last}" : $"h{last}";
        o.WriteLine($"o{last} = {spec.OutputActivation.ToKeras()}({top}·wy + by) = {Vector(byHand.Output)}");

        o.WriteLine($"model prediction = {Vector([.. predicted.Select(v => (double)v)])}");
        bool agree = byHand.Output.Zip(predicted).All(t => Math.Abs(t.First - t.Second) <= 1e-5 * Math.Max(1, Math.Abs(t.First)));
        o.WriteLine(agree ? "agree: yes (the hand computation equals the model's prediction within 1e-5)" : "agree: NO");
    }

    static float[] Predict(ModelSpec spec, float[] p, double[][] xs)
    {
        using var engine = new ScalarEngine<float>(spec);
        engine.SetParameters(p);
        return engine.Predict(Window(xs, new float[spec.Outputs]));
    }

    /// <summary>The steps as one window of T steps × F features, as an engine takes it.</summary>
    internal static WindowSet Window(double[][] xs, float[] target) =>
        new([.. xs.SelectMany(x => x).Select(v => (float)v)], target, 1, xs.Length, xs[0].Length, target.Length);

    /// <summary>The weights for <paramref name="spec"/>; weights of another input width are refused as such, not as a kernel of the wrong shape.</summary>
    static float[] LoadWeights(string path, ModelSpec spec)
    {
        try
        {
            return WeightsFile.Load(path, spec);
        }
        catch (GpuRnnInputException) when (FeaturesOf(path) is { } features && features != spec.Features)
        {
            EnsureFeatures(features, spec.Features, path);
            throw;
        }
    }

    /// <summary>How many features per step the weights in <paramref name="path"/> take (the first kernel's rows), or null where they do not read as a model.</summary>
    static int? FeaturesOf(string path)
    {
        try { return ModelFile.Load(path, new ModelFile.KerasDefaults()).Spec.Features; }
        catch (GpuRnnInputException) { return null; }
    }

    static void EnsureFeatures(int model, int input, string path)
    {
        if (model != input)
            throw new GpuRnnInputException($"{path}: the model reads {model} feature(s) per step but --input gives {input}"
                + " (join a step's features with ':', e.g. --input 1:0.5,2:0.1,3:0.2)");
    }

    /// <summary>--input: steps separated by commas, each one number or F numbers joined by ':'; every step as wide.</summary>
    static double[][] ParseSteps(string text)
    {
        var steps = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(step => ParseInput(step.Replace(':', ','), "--input", text)).ToArray();
        if (steps.Length == 0) throw new GpuRnnInputException("--input needs at least one number");
        if (steps.FirstOrDefault(x => x.Length != steps[0].Length) is { } other)
            throw new GpuRnnInputException($"--input gives steps of {steps[0].Length} and {other.Length} features (got '{text}'); every step needs as many");
        return steps;
    }

    static double[] ParseInput(string text, string option, string? whole = null)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var xs = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out xs[i]) || !(Math.Abs(xs[i]) <= float.MaxValue)) // the model computes in float32
                throw new GpuRnnInputException($"{option} takes numbers separated by commas (got '{whole ?? text}')");
        if (xs.Length == 0) throw new GpuRnnInputException($"{option} needs at least one number");
        return xs;
    }

    static string Format(TensorSlot slot, float[] p) =>
        "[" + string.Join(", ", Enumerable.Range(0, slot.Rows).Select(r =>
            Vector([.. Enumerable.Range(0, slot.Columns).Select(c => (double)p[slot.At(r, c)])]))) + "]";

    static string Vector(double[] v) => "[" + string.Join(", ", v.Select(x => ((float)x).ToString("G8", CultureInfo.InvariantCulture))) + "]";
}
