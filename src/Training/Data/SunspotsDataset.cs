namespace GpuRnn.Training.Data;

/// <summary>
/// The tutorial's monthly sunspots series (Jan 1749 – Dec 1983, 2820 months), embedded so that
/// <c>gpurnn train</c> needs no file.
/// </summary>
public static class SunspotsDataset
{
    public const string Name = "monthly-sunspots.csv";

    public static string ReadText()
    {
        using var stream = typeof(SunspotsDataset).Assembly.GetManifestResourceStream("GpuRnn.Training.Data.monthly-sunspots.csv")
            ?? throw new InvalidOperationException("the embedded sunspots dataset is missing from the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The series in column <paramref name="column"/> (default: the tutorial's column 1, "Sunspots"), dated by its "Month" column.</summary>
    public static Series Load(string column = CsvSeriesReader.DefaultColumn) => Load(column, DateOptions.Auto);

    public static Series Load(string column, DateOptions dates) =>
        CsvSeriesReader.ReadText(ReadText(), column, $"{Name} (embedded)", dates);
}
