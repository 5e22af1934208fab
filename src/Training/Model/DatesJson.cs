using System.Globalization;
using System.Text.Json;
using GpuRnn.Training.Data;

namespace GpuRnn.Training.Model;

/// <summary>
/// A model file's dates (added by one format 2; format 3 keeps them): <c>"date_column"</c> and <c>"fill_gaps"</c>, how the series' dates were read, and
/// <c>"dates"</c>: <c>{"frequency": "P1M", "day_of_month": 1, "format": "yyyy-MM", "last": "1983-12-01T00:00:00"}</c>,
/// the frequency as an ISO 8601 duration (a calendar one with the day its dates fall on), how they print, the last one.
/// </summary>
static class DatesJson
{
    const string Instant = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF";

    public static void Write(TextWriter w, SavedModel model)
    {
        if (model.DateOptions is { } o)
            w.Write($",\n  \"date_column\": {Text(o.Column ?? "")}, \"fill_gaps\": {Text(Name(o.FillGaps))}");
        if (model.Dates is not { } d) return;
        w.Write($",\n  \"dates\": {{\"frequency\": {Text(d.Frequency.ToIso())}, ");
        if (d.Frequency.IsCalendar) w.Write($"\"day_of_month\": {d.Frequency.DayOfMonth}, ");
        w.Write($"\"format\": {Text(d.Pattern)}, \"last\": {Text(d.Last.ToString(Instant, CultureInfo.InvariantCulture))}}}");
    }

    public static string Name(GapFill fill) => fill.ToString().ToLowerInvariant();

    static string Text(string s) => JsonSerializer.Serialize(s);

    public static GapFill ReadFill(JsonStream json, string path)
    {
        foreach (var fill in Enum.GetValues<GapFill>())
            if (json.Token == JsonTokenType.String && json.Text == Name(fill)) return fill;
        throw new GpuRnnInputException($"{path}: \"fill_gaps\" is {json.Describe()}, not one of none, previous, linear");
    }

    /// <summary>The "dates" object, every field checked: a duration gpurnn writes, a day 1–31 for calendar steps, a known format, an ISO instant.</summary>
    public static DateRecord ReadRecord(JsonStream json, string path)
    {
        if (json.Token != JsonTokenType.StartObject) throw new GpuRnnInputException($"{path}: \"dates\" is {json.Describe()}, not an object");
        string? frequency = null, format = null, last = null;
        double day = 1;
        for (json.Next("\"dates\""); json.Token == JsonTokenType.PropertyName; json.Next("\"dates\""))
        {
            string name = json.Text!;
            json.Next($"\"{name}\"");
            if (name == "day_of_month")
            {
                if (json.Token != JsonTokenType.Number || !json.TryDouble(out day) || day != Math.Floor(day) || day < 1 || day > 31)
                    throw new GpuRnnInputException($"{path}: dates \"day_of_month\" must be a whole number from 1 to 31 (got {json.Describe()})");
            }
            else if (name is "frequency" or "format" or "last")
            {
                if (json.Token != JsonTokenType.String) throw new GpuRnnInputException($"{path}: dates \"{name}\" is {json.Describe()}, not a string");
                if (name == "frequency") frequency = json.Text; else if (name == "format") format = json.Text; else last = json.Text;
            }
            else json.SkipValue();
        }
        if (frequency is null || !Frequency.TryParseIso(frequency, (int)day, out var step))
            throw new GpuRnnInputException($"{path}: dates \"frequency\" must be an ISO 8601 duration such as P1M, P1D or PT15M (got {(frequency is null ? "nothing" : $"\"{frequency}\"")})");
        if (format is null || !DateText.Patterns.Contains(format))
            throw new GpuRnnInputException($"{path}: dates \"format\" must be one of {string.Join(", ", DateText.Patterns)}");
        if (last is null || !DateTime.TryParseExact(last, Instant, CultureInfo.InvariantCulture, DateTimeStyles.None, out var lastDate))
            throw new GpuRnnInputException($"{path}: dates \"last\" must be a date written as 1983-12-01T00:00:00");
        return new DateRecord(step!, format, lastDate);
    }
}
