using ScottPlot;
using SkiaSharp;

namespace GpuRnn.Cli.Plotting;

/// <summary>The image formats a figure is written in.</summary>
public enum FigureFormat { Png, Svg }

/// <summary>
/// How a figure reaches its file: PNG or SVG as the file name says (<c>.png</c>, <c>.svg</c>, any case), one or
/// more plots drawn into one picture, each in its own rectangle. A character device or a FIFO (<c>/dev/null</c>, a
/// named pipe) whatever its name gets PNG; any other name is refused before any work, rather than given bytes its
/// extension does not promise.
/// </summary>
public static class FigureFile
{
    /// <summary>The format <paramref name="path"/> asks for; a <see cref="GpuRnnInputException"/> naming
    /// <paramref name="option"/> when its extension is neither .png nor .svg.</summary>
    public static FigureFormat FormatOf(string option, string path)
    {
        string extension = Path.GetExtension(path);
        if (extension.Equals(".png", StringComparison.OrdinalIgnoreCase)) return FigureFormat.Png;
        if (extension.Equals(".svg", StringComparison.OrdinalIgnoreCase)) return FigureFormat.Svg;
        if (IsStream(path)) return FigureFormat.Png;
        throw new GpuRnnInputException($"{option} {path}: a figure is written as PNG or SVG, so its name must end in .png or .svg (got "
            + (extension.Length == 0 ? "no extension)" : $"'{extension}')"));
    }

    /// <summary>Whether <paramref name="path"/> is (a link to) a character device or a FIFO, written to as it is.</summary>
    public static bool IsStream(string path)
    {
        try { return FileStatus.Of(path).Kind is FileKind.CharacterDevice or FileKind.Fifo; }
        catch (IOException) { return false; } // the output check reports what is wrong with the path
    }

    /// <summary>A file name beside <paramref name="path"/> with <paramref name="suffix"/> before its extension, in the
    /// same format: forecast.svg → forecast.loss.svg; a name of another format gets .png.</summary>
    public static string Beside(string path, string suffix)
    {
        string extension = Path.GetExtension(path);
        if (!extension.Equals(".svg", StringComparison.OrdinalIgnoreCase) && !extension.Equals(".png", StringComparison.OrdinalIgnoreCase)) extension = ".png";
        return Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path) + suffix + extension);
    }

    /// <summary>The plots, each drawn into its rectangle of a <paramref name="width"/> × <paramref name="height"/>
    /// picture, encoded as <paramref name="format"/>. Each plot's pixel positions (its last render) are then those of
    /// the picture.</summary>
    public static byte[] Encode(int width, int height, FigureFormat format, params (Plot Plot, PixelRect Area)[] panels)
    {
        if (format == FigureFormat.Svg)
        {
            // A plot's first render lays it out and then draws again: on an SVG canvas both drawings would stay in the
            // file, so each plot is laid out in memory first (as ScottPlot's own SVG export does).
            foreach (var (plot, area) in panels) plot.RenderInMemory((int)area.Width, (int)area.Height);
            using var stream = new SKDynamicMemoryWStream();
            using (var canvas = SKSvgCanvas.Create(SKRect.Create(width, height), stream))
                Draw(canvas, panels);
            using var svg = stream.DetachAsData();
            return svg.ToArray();
        }
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        surface.Canvas.Clear(SKColors.White);
        Draw(surface.Canvas, panels);
        using var pixels = surface.PeekPixels();
        using var png = pixels.Encode(Png) ?? throw new InvalidOperationException($"SkiaSharp could not encode a {width} × {height} PNG");
        return png.ToArray();
    }

    /// <summary>
    /// PNG rows filtered "Up" and deflated at zlib level 4: the tutorial's 1200 × 600 figure encodes in 10 ms and 121 KB,
    /// against 26 ms and 118 KB with Skia's default (every filter, level 6), on the whole process's critical path
    /// (level 3: 8 ms, 129 KB; level 9: 129 ms, 115 KB). Lossless either way.
    /// </summary>
    static readonly SKPngEncoderOptions Png = new(SKPngEncoderFilterFlags.Up, zLibLevel: 4);

    /// <summary>Each plot clipped to its rectangle: a plot clears its background, which would otherwise wipe the others.</summary>
    static void Draw(SKCanvas canvas, (Plot Plot, PixelRect Area)[] panels)
    {
        foreach (var (plot, area) in panels)
        {
            canvas.Save();
            canvas.ClipRect(new SKRect(area.Left, area.Top, area.Right, area.Bottom));
            plot.Render(canvas, area);
            canvas.Restore();
        }
    }

    /// <summary>One plot filling the picture, written to <paramref name="path"/> in the format its name asks for (or
    /// <paramref name="format"/>) through <paramref name="write"/> (a command's OutputSet, to commit every output
    /// together), or atomically on its own.</summary>
    public static void Save(string path, Plot plot, int width, int height, FigureFormat? format, Action<string, Action<Stream>>? write) =>
        Save(path, width, height, format, write, (plot, new PixelRect(0, width, height, 0)));

    public static void Save(string path, int width, int height, FigureFormat? format, Action<string, Action<Stream>>? write, params (Plot Plot, PixelRect Area)[] panels)
    {
        var bytes = Encode(width, height, format ?? FormatOf("output", path), panels);
        (write ?? AtomicFile.Write)(path, s => s.Write(bytes));
    }
}
