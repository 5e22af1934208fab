using System.Text.Json;
using GpuRnn.Training.Files;

namespace GpuRnn.Training.Model;

/// <summary>Weights from either a gpurnn model file or a bare Keras <c>get_weights()</c> list, checked as <see cref="ModelFile"/> checks them.</summary>
public static class WeightsFile
{
    public static float[] Load(string path, ModelSpec spec)
    {
        long size = InputFile.EnsureRegular(path, "weights file").Size;
        using (var json = JsonStream.Open(path))
        {
            if (!json.Read()) throw new GpuRnnInputException($"{path}: the file is empty");
            if (json.Token == JsonTokenType.StartArray)
            {
                // The model is known, so one pass reads the list in the shapes it needs.
                var layout = spec.Layout();
                KerasWeights.EnsureSizeFits(size, layout, path);
                var weights = KerasWeights.Read(json, layout, path);
                if (json.Read()) throw new GpuRnnInputException($"{path}: not valid JSON (more after the end of the weight list)");
                return weights;
            }
        }
        var saved = ModelFile.Load(path);
        if (!saved.Spec.Equals(spec) && !SameWeights(saved.Spec, spec))
            throw new GpuRnnInputException($"{path}: its model ({saved.Spec}) does not match the one asked for ({spec})");
        return saved.Parameters;
    }

    /// <summary>Weights do not depend on the window length, so a model trained on other time steps still fits.</summary>
    static bool SameWeights(ModelSpec a, ModelSpec b) => a with { TimeSteps = b.TimeSteps } == b;
}
