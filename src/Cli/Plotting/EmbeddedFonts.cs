using ScottPlot;
using SkiaSharp;

namespace GpuRnn.Cli.Plotting;

/// <summary>
/// Serves DejaVu Sans from the assembly to ScottPlot. A machine without system fonts otherwise renders plots with
/// no text at all, silently.
/// </summary>
sealed class EmbeddedFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";
    static readonly Lock Gate = new();
    static bool registered;

    public static void Register()
    {
        lock (Gate)
        {
            if (registered) return;
            Fonts.FontResolvers.Insert(0, new EmbeddedFonts());
            Fonts.Default = Family;
            registered = true;
        }
    }

    public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
        CreateTypeface(fontName, weight >= FontWeight.SemiBold, slant != FontSlant.Upright);

    public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic)
    {
        if (!string.Equals(fontName, Family, StringComparison.OrdinalIgnoreCase)) return null;
        string resource = bold ? "GpuRnn.Cli.Fonts.DejaVuSans-Bold.ttf" : "GpuRnn.Cli.Fonts.DejaVuSans.ttf";
        using var stream = typeof(EmbeddedFonts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded font {resource} is missing");
        using var data = SKData.Create(stream);
        return SKTypeface.FromData(data);
    }
}
