namespace GpuRnn.Tests;

/// <summary>Model files with a scaler per input column ("inputs", format 3 and the format 2 that added it) and the format-1 files before them.</summary>
public class MultivariateModelTests
{
    static SavedModel Model(out ModelSpec spec)
    {
        spec = new ModelSpec(2, [3], 1, Activation.Tanh, Activation.Linear, 5);
        return new SavedModel(spec, RandomData.Parameters(new Random(3), spec.Layout(), 0.5), new MinMaxScaler(-1, 7), "load", "/tmp/x.csv")
        {
            Inputs = [new("temp", new(12, 28.5)), new("load", new(-1, 7))],
        };
    }

    [Fact]
    public void A_model_of_several_columns_saves_every_scaler_and_reloads_the_same()
    {
        using var dir = new TempDir();
        var model = Model(out var spec);
        ModelFile.Save(dir.File("m.json"), model);
        string text = File.ReadAllText(dir.File("m.json"));
        Assert.Contains("\"format\": \"gpurnn-model/3\"", text);
        Assert.Contains("{\"column\": \"temp\", \"min\": 12, \"max\": 28.5}", text);

        var loaded = ModelFile.Load(dir.File("m.json"));
        Assert.Equal(spec, loaded.Spec);
        Assert.Equal(model.Parameters, loaded.Parameters);
        Assert.Equal(model.Inputs, loaded.Inputs);
        Assert.Equal((model.Scaler, model.Column), (loaded.Scaler, loaded.Column));
        var (inputs, target) = loaded.ColumnNames("1")!.Value;
        Assert.Equal(["temp", "load"], inputs);
        Assert.Equal("load", target);
    }

    /// <summary>Format 1 had one column and one scaler: such files load in the one-column form, as they always meant.</summary>
    [Fact]
    public void A_format_1_file_with_one_scaler_still_loads_as_one_column()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures/model-v1-indented.json");
        Assert.Contains("\"gpurnn-model/1\"", File.ReadAllText(path));
        var model = ModelFile.Load(path);
        Assert.Null(model.Inputs);
        var (inputs, target) = model.ColumnNames("1")!.Value;
        Assert.Equal(["Sunspots"], inputs);
        Assert.Equal("Sunspots", target);
        var columns = model.Scale([SunspotsDataset.Load()], SunspotsDataset.Load());
        Assert.True(columns.IsUnivariate);
        Assert.Equal(new MinMaxScaler(0, 253.8), columns.InputScalers[0]);
        Assert.Same(model.Scaler, columns.TargetScaler);

        // The same file, one-column, as today's code writes it: format 3 without "inputs".
        using var dir = new TempDir();
        ModelFile.Save(dir.File("again.json"), model);
        Assert.DoesNotContain("\"inputs\"", File.ReadAllText(dir.File("again.json")));
        Assert.Null(ModelFile.Load(dir.File("again.json")).Inputs);
    }

    [Theory]
    [InlineData("\"inputs\": [{\"column\": \"temp\", \"min\": 12, \"max\": 28.5}]", "lists 1 column(s) but the model takes 2 feature(s)")]
    [InlineData("\"inputs\": [{\"column\": \"temp\", \"min\": 1, \"max\": 2}, {\"column\": \"temp\", \"min\": 1, \"max\": 2}]", "lists column 'temp' 2 times")]
    [InlineData("\"inputs\": [{\"min\": 1, \"max\": 2}, {\"column\": \"load\", \"min\": 1, \"max\": 2}]", "input 1 of \"inputs\" needs a \"column\"")]
    [InlineData("\"inputs\": [{\"column\": \"a\", \"min\": 3, \"max\": 2}, {\"column\": \"load\", \"min\": 1, \"max\": 2}]", "input 1 of \"inputs\" \"min\" (3) is above its \"max\" (2)")]
    [InlineData("\"inputs\": {\"column\": \"a\"}", "\"inputs\" is an object, not a list")]
    public void Bad_inputs_are_refused_in_one_line(string inputs, string why)
    {
        using var dir = new TempDir();
        ModelFile.Save(dir.File("m.json"), Model(out _));
        string text = File.ReadAllText(dir.File("m.json"));
        int start = text.IndexOf("\"inputs\"", StringComparison.Ordinal), end = text.IndexOf(']', start) + 1;
        File.WriteAllText(dir.File("bad.json"), text[..start] + inputs + text[end..]);
        var e = Assert.Throws<GpuRnnInputException>(() => ModelFile.Load(dir.File("bad.json")));
        Assert.Contains(why, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_model_with_inputs_but_no_target_scaler_is_refused()
    {
        using var dir = new TempDir();
        var model = Model(out _) with { Scaler = null };
        Assert.Throws<ArgumentException>(() => ModelFile.Save(dir.File("m.json"), model));
        ModelFile.Save(dir.File("m.json"), Model(out _));
        string text = File.ReadAllText(dir.File("m.json"));
        int start = text.IndexOf("\"scaler\"", StringComparison.Ordinal), end = text.IndexOf('}', start) + 2;
        File.WriteAllText(dir.File("bad.json"), text[..start] + text[end..]);
        Assert.Contains("needs its target's \"column\" and \"scaler\"", Assert.Throws<GpuRnnInputException>(() => ModelFile.Load(dir.File("bad.json"))).Message);
    }
}
