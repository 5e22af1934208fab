using System.Text.Json.Nodes;

namespace GpuRnn.Training.Model;

/// <summary>Weights from either a gpurnn model file or a bare Keras <c>get_weights()</c> list.</summary>
public static class WeightsFile
{
    public static float[] Load(string path, ParameterLayout layout)
    {
        var root = ModelFile.ReadJson(path);
        if (root is JsonArray)
        {
            try { return ModelFile.WeightsFromJson(layout, root, path); }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                throw new GpuRnnInputException($"{path}: malformed weight list ({e.Message})", e);
            }
        }
        var saved = ModelFile.Load(path);
        if (!saved.Spec.Equals(layout.Spec) && !SameWeights(saved.Spec, layout.Spec))
            throw new GpuRnnInputException($"{path}: its model ({saved.Spec}) does not match the one asked for ({layout.Spec})");
        return saved.Parameters;
    }

    /// <summary>Weights do not depend on the window length, so a model trained on other time steps still fits.</summary>
    static bool SameWeights(ModelSpec a, ModelSpec b) => a with { TimeSteps = b.TimeSteps } == b;
}
