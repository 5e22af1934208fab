using System.CommandLine.Parsing;

namespace GpuRnn.Cli.Commands;

/// <summary>
/// One place that parses every typed option the same way: culture-invariant numbers whatever the environment's
/// locale, enum names in any case, and refusals a user can read in one line ("--epochs takes a whole number (got
/// 'many')") instead of System.CommandLine's .NET type names. Applied to a whole command tree, so an option added
/// later is covered by being added.
/// </summary>
static class OptionParsing
{
    public static void Apply(Command command)
    {
        foreach (var option in command.Options) Apply(option);
        foreach (var sub in command.Subcommands) Apply(sub);
    }

    static void Apply(Option option)
    {
        switch (option)
        {
            case Option<int> o: o.CustomParser = r => Single(r, o.Name, "a whole number", TryInt, 0); break;
            case Option<int?> o: o.CustomParser = r => Single<int?>(r, o.Name, "a whole number", (string s, out int? v) => { bool ok = TryInt(s, out int i); v = i; return ok; }, null); break;
            case Option<double> o: o.CustomParser = r => Single(r, o.Name, "a number", TryDouble, 0.0); break;
            case Option<double?> o: o.CustomParser = r => Single<double?>(r, o.Name, "a number", (string s, out double? v) => { bool ok = TryDouble(s, out double d); v = d; return ok; }, null); break;
            case Option<float> o: o.CustomParser = r => Single(r, o.Name, "a number", (string s, out float v) => { bool ok = TryDouble(s, out double d) && Math.Abs(d) <= float.MaxValue; v = (float)d; return ok; }, 0f); break;
            case Option<Training.Data.ScaleFit> o: o.CustomParser = r => Single(r, o.Name, "all or train", TryEnum, default(Training.Data.ScaleFit)); break;
            case Option<Training.Data.GapFill?> o: o.CustomParser = r => Single<Training.Data.GapFill?>(r, o.Name, "none, previous or linear", (string s, out Training.Data.GapFill? v) => { bool ok = TryEnum(s, out Training.Data.GapFill g); v = g; return ok; }, null); break;
        }
    }

    delegate bool TryParse<T>(string text, out T value);

    static T Single<T>(ArgumentResult result, string option, string expected, TryParse<T> parse, T fallback)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (parse(text.Trim(), out var value)) return value;
        result.AddError($"{option} takes {expected} (got '{text}')");
        return fallback;
    }

    static bool TryInt(string s, out int v) => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v);

    static bool TryDouble(string s, out double v) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v);

    /// <summary>Names only, in any case: "Train", "TRAIN"; not "1", which <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/> would take.</summary>
    static bool TryEnum<T>(string s, out T v) where T : struct, Enum
    {
        v = default;
        return s.Length > 0 && char.IsLetter(s[0]) && Enum.TryParse(s, ignoreCase: true, out v) && Enum.IsDefined(v);
    }
}
