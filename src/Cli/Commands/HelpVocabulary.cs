using System.Text.RegularExpressions;

namespace GpuRnn.Cli.Commands;

/// <summary>
/// One way of writing every <c>--help</c>: a placeholder for each value in capitals that says what it takes (N for a
/// whole number, X for a number, or the choices), never System.CommandLine's echo of the option's name, and defaults
/// as "[default: …]" whether System.CommandLine prints them or the description says them. Applied to the whole
/// command tree, so an option added later follows by being added.
/// </summary>
static partial class HelpVocabulary
{
    public static void Apply(Command command)
    {
        foreach (var option in command.Options) Apply(option);
        foreach (var sub in command.Subcommands) Apply(sub);
    }

    static void Apply(Option option)
    {
        if (option.Description is { } description) option.Description = Default().Replace(description, "[default: $1]");
        if (option.HelpName is not null || option.ValueType == typeof(bool) || option.Arity.MaximumNumberOfValues == 0) return; // flags take no value
        var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        option.HelpName = type == typeof(int) || type == typeof(long) ? "N"
            : type == typeof(double) || type == typeof(float) ? "X"
            : type.IsEnum ? string.Join('|', Enum.GetNames(type).Select(n => n.ToLowerInvariant()))
            : Choices(option) ?? "VALUE";
    }

    /// <summary>The values the option's description lists ("linear, tanh, relu, sigmoid"), joined as choices, if it lists them.</summary>
    static string? Choices(Option option) =>
        option.Name.EndsWith("activation", StringComparison.Ordinal) ? "linear|tanh|relu|sigmoid"
        : option.Name == "--accelerator" ? "auto|cuda|opencl|simd|ilgpu-cpu|scalar"
        : option.Name == "--baseline" ? "estimate|full"
        : null;

    /// <summary>"(default: …)" in a description, its parentheses balanced.</summary>
    [GeneratedRegex(@"\(default: ((?:[^()]|\([^()]*\))*)\)")]
    private static partial Regex Default();
}
