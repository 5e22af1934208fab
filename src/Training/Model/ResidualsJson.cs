using System.Globalization;
using System.Text.Json;
using GpuRnn.Training.Intervals;

namespace GpuRnn.Training.Model;

/// <summary>
/// A model file's optional <c>"residuals"</c>, for prediction intervals:
/// <c>{"part": "test", "origins": 500, "absolute_errors": [[…], […], …]}</c>, list h − 1 holding the sorted absolute
/// errors of h-step recursive forecasts on the held-out part. Each is written as the shortest float32 text that reads back at or above it, so a
/// stored error is never smaller than the one measured. Files without it load, with no residuals.
/// </summary>
static class ResidualsJson
{
    public static void Write(TextWriter w, SavedModel model)
    {
        if (model.Residuals is not { } r) return;
        w.Write($",\n  \"residuals\": {{\"part\": {JsonSerializer.Serialize(r.Part)}, \"origins\": {r.Origins}, \"absolute_errors\": [");
        for (int h = 0; h < r.Horizons.Count; h++)
        {
            w.Write(h == 0 ? "\n    [" : ",\n    [");
            var sorted = r.Horizons[h].Sorted;
            for (int i = 0; i < sorted.Length; i++)
            {
                if (i > 0) w.Write(", ");
                w.Write(RoundedUp(sorted[i]));
            }
            w.Write(']');
        }
        w.Write("\n  ]}");
    }

    /// <summary>The shortest float32 text that reads back (as a double) at or above <paramref name="e"/>.</summary>
    static string RoundedUp(double e)
    {
        for (float f = (float)e; ; f = MathF.BitIncrement(f))
        {
            string text = f.ToString("R", CultureInfo.InvariantCulture);
            if (double.Parse(text, CultureInfo.InvariantCulture) >= e) return text;
        }
    }

    /// <summary>The "residuals" object: a part name, a whole number of origins, and at least one non-empty list of finite, non-negative errors.</summary>
    public static ForecastResiduals Read(JsonStream json, string path)
    {
        if (json.Token != JsonTokenType.StartObject) throw new GpuRnnInputException($"{path}: \"residuals\" is {json.Describe()}, not an object");
        string part = "test";
        double origins = 0;
        List<HorizonResiduals>? horizons = null;
        for (json.Next("\"residuals\""); json.Token == JsonTokenType.PropertyName; json.Next("\"residuals\""))
        {
            string name = json.Text!;
            json.Next($"\"{name}\"");
            switch (name)
            {
                case "part":
                    part = json.Token == JsonTokenType.String ? json.Text! : throw new GpuRnnInputException($"{path}: residuals \"part\" is {json.Describe()}, not a string");
                    break;
                case "origins":
                    if (json.Token != JsonTokenType.Number || !json.TryDouble(out origins) || origins != Math.Floor(origins) || origins < 1 || origins > int.MaxValue)
                        throw new GpuRnnInputException($"{path}: residuals \"origins\" must be a whole number of at least 1 (got {json.Describe()})");
                    break;
                case "absolute_errors":
                    horizons = ReadHorizons(json, path);
                    break;
                default:
                    json.SkipValue();
                    break;
            }
        }
        if (horizons is null || horizons.Count == 0) throw new GpuRnnInputException($"{path}: \"residuals\" needs \"absolute_errors\", one list per step ahead");
        return new ForecastResiduals(part, (int)origins, horizons);
    }

    static List<HorizonResiduals> ReadHorizons(JsonStream json, string path)
    {
        string Bad(int h) => $"{path}: residuals \"absolute_errors\" must be lists (one per step ahead) of numbers, finite and not negative; step {h} has {json.Describe()}";
        if (json.Token != JsonTokenType.StartArray) throw new GpuRnnInputException(Bad(1));
        var horizons = new List<HorizonResiduals>();
        for (json.Next("\"absolute_errors\""); json.Token != JsonTokenType.EndArray; json.Next("\"absolute_errors\""))
        {
            int h = horizons.Count + 1;
            if (json.Token != JsonTokenType.StartArray) throw new GpuRnnInputException(Bad(h));
            var errors = new List<double>();
            for (json.Next("\"absolute_errors\""); json.Token != JsonTokenType.EndArray; json.Next("\"absolute_errors\""))
            {
                if (json.Token != JsonTokenType.Number || !json.TryDouble(out double e) || e < 0) throw new GpuRnnInputException(Bad(h));
                errors.Add(e);
            }
            if (errors.Count == 0) throw new GpuRnnInputException($"{path}: residuals \"absolute_errors\" has an empty list for step {h}");
            horizons.Add(new HorizonResiduals(errors));
        }
        return horizons;
    }
}
