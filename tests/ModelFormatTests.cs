namespace GpuRnn.Tests;

/// <summary>
/// Every model format loads: 1 (one column, one scaler), both kinds of 2 (two lines of development each called
/// their addition format 2: one added the series' dates, the other a scaler per input column) and 3, which carries both.
/// </summary>
public class ModelFormatTests
{
    const string OneFeature = """
        "spec": {"features": 1, "units": [1], "outputs": 1, "hidden_activation": "tanh", "output_activation": "tanh", "time_steps": 3},
        "weights": [[[0.1]], [[0.3]], [0.0], [[0.5]], [0.1]],
        "scaler": {"min": 0, "max": 253.8},
        "column": "Sunspots"
        """;

    const string TwoFeatures = """
        "spec": {"features": 2, "units": [1], "outputs": 1, "hidden_activation": "tanh", "output_activation": "linear", "time_steps": 3},
        "weights": [[[0.1], [0.2]], [[0.3]], [0.0], [[0.5]], [0.1]],
        "scaler": {"min": -1, "max": 7},
        "column": "load",
        "inputs": [{"column": "temp", "min": 12, "max": 28.5}, {"column": "load", "min": -1, "max": 7}]
        """;

    const string Dates = """
        "date_column": "Month", "fill_gaps": "linear",
        "dates": {"frequency": "P1M", "day_of_month": 1, "format": "yyyy-MM", "last": "1983-12-01T00:00:00"}
        """;

    static SavedModel Load(TempDir dir, string name, string format, params string[] fields)
    {
        File.WriteAllText(dir.File(name), $"{{\n\"format\": \"{format}\",\n{string.Join(",\n", fields)}\n}}\n");
        return ModelFile.Load(dir.File(name));
    }

    static void AssertDates(SavedModel model)
    {
        Assert.Equal(new DateOptions("Month", GapFill.Linear), model.DateOptions);
        var dates = Assert.IsType<DateRecord>(model.Dates);
        Assert.Equal("1983-12", dates.Format(dates.Last));
        Assert.Equal(new DateTime(1984, 1, 1), dates.Continue(1)[0]);
    }

    static void AssertInputs(SavedModel model)
    {
        Assert.Equal(2, model.Spec.Features);
        Assert.Equal([new("temp", new(12, 28.5)), new("load", new(-1, 7))], model.Inputs!);
        Assert.Equal((new MinMaxScaler(-1, 7), "load"), (model.Scaler, model.Column));
    }

    [Fact]
    public void A_file_of_each_format_loads()
    {
        using var dir = new TempDir();

        var v1 = Load(dir, "v1.json", "gpurnn-model/1", OneFeature);
        Assert.Equal((new MinMaxScaler(0, 253.8), "Sunspots"), (v1.Scaler, v1.Column));
        Assert.Null(v1.Inputs);
        Assert.Null(v1.DateOptions);
        Assert.Null(v1.Dates);

        var v2Dates = Load(dir, "v2-dates.json", "gpurnn-model/2", OneFeature, Dates);
        Assert.Null(v2Dates.Inputs);
        AssertDates(v2Dates);

        var v2Inputs = Load(dir, "v2-inputs.json", "gpurnn-model/2", TwoFeatures);
        AssertInputs(v2Inputs);
        Assert.Null(v2Inputs.DateOptions);
        Assert.Null(v2Inputs.Dates);

        var v3 = Load(dir, "v3.json", "gpurnn-model/3", TwoFeatures, Dates);
        AssertInputs(v3);
        AssertDates(v3);
        Assert.Equal([0.1f, 0.2f, 0.3f, 0f, 0.5f, 0.1f], v3.Parameters);

        var e = Assert.Throws<GpuRnnInputException>(() => Load(dir, "v4.json", "gpurnn-model/4", OneFeature));
        Assert.Contains("not a gpurnn model file", e.Message);
        Assert.Contains("\"gpurnn-model/3\"", e.Message);
    }

    /// <summary>What is written is format 3, with both sides' fields, and it reads back the same.</summary>
    [Fact]
    public void A_model_with_inputs_and_dates_is_written_as_format_3_and_reloads_the_same()
    {
        using var dir = new TempDir();
        var v3 = Load(dir, "v3.json", "gpurnn-model/3", TwoFeatures, Dates);
        ModelFile.Save(dir.File("again.json"), v3);
        string text = File.ReadAllText(dir.File("again.json"));
        Assert.Contains("\"format\": \"gpurnn-model/3\"", text);
        Assert.Contains("\"inputs\"", text);
        Assert.Contains("\"dates\"", text);
        var again = ModelFile.Load(dir.File("again.json"));
        Assert.Equal(v3.Inputs, again.Inputs);
        Assert.Equal((v3.DateOptions, v3.Dates), (again.DateOptions, again.Dates));
        Assert.Equal(v3.Parameters, again.Parameters);
    }
}
