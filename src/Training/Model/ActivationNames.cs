using GpuRnn.Kernels;

namespace GpuRnn.Training.Model;

/// <summary>Parses and prints activation names the way Keras spells them.</summary>
public static class ActivationNames
{
    public static string ToKeras(this Activation a) => a.ToString().ToLowerInvariant();

    public static bool TryParse(string text, out Activation activation) =>
        Enum.TryParse(text.Trim(), ignoreCase: true, out activation) && Enum.IsDefined(activation)
        && !int.TryParse(text, out _); // Enum.TryParse also takes numbers: "1" is not an activation name

    /// <summary>The activation named <paramref name="text"/>, or a one-line <see cref="GpuRnnInputException"/>.</summary>
    public static Activation Parse(string text) =>
        TryParse(text, out var a) ? a : throw new GpuRnnInputException($"unknown activation '{text}' (use linear, tanh, relu or sigmoid)");
}
