using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text;
using GpuRnn.Tests.Files;
using GpuRnn.Training.Files;

namespace GpuRnn.Tests;

/// <summary>
/// Inputs are read whole and checked before any long work: a bad CSV, a special file, windows too large to hold, or
/// a model file that is malformed anywhere is one line on stderr and exit code 2, and touches nothing.
/// </summary>
public class InputValidationTests
{
    const string Fixture = "Fixtures/model-v1-indented.json";

    /// <summary>A tiny Keras list (1 feature, 3 units, 1 output) with <paramref name="bias"/> as the SimpleRNN bias.</summary>
    static string KerasList(string bias = "[0, 0, 0]", string recurrent = "[[1, 0, 0], [0, 1, 0], [0, 0, 1]]", string dense = "[[0.5], [0.5], [0.5]]") =>
        $"[[[0.1, 0.2, 0.3]], {recurrent}, {bias}, {dense}, [0]]";

    static string Sunspots(int rows, Func<int, string> value) =>
        "Month,Sunspots\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"m{i},{value(i)}\n"));

    /// <summary>The saved fixture (an old, indented gpurnn model: units 4,3) with one change made to its JSON.</summary>
    static string FixtureWith(Action<JsonObject> change)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, Fixture)))!.AsObject();
        change(root);
        return root.ToJsonString();
    }

    sealed record Case(string[] Args, string[] Words, Action<TempDir> Setup, bool NeedsRoot = false);

    static readonly Dictionary<string, Case> Cases = new()
    {
        // CSV fields (issue 8, item 4)
        ["decimal commas"] = new(["train", "--data", "{dir}/dc.csv", "--column", "Sunspots"],
            ["dc.csv", "line 2 has 3 fields", "header has 2", "decimal commas? write 50.672"],
            d => File.WriteAllText(d.File("dc.csv"), Sunspots(300, i => i == 0 ? "50,672" : $"{i % 50},{i % 10}"))),
        ["row with too few fields"] = new(["predict", "--model", "{dir}/m.json", "--data", "{dir}/few.csv"],
            ["few.csv", "line 5 has 1 field", "header has 2"],
            d => { File.Copy(FixturePath, d.File("m.json")); File.WriteAllText(d.File("few.csv"), Sunspots(300, i => $"{i}.5").Replace("m3,3.5\n", "m3\n")); }),
        ["duplicated chosen column"] = new(["train", "--data", "{dir}/dup.csv", "--column", "Sunspots"],
            ["dup.csv", "'Sunspots' 2 times", "by index"],
            d => File.WriteAllText(d.File("dup.csv"), "Month,Sunspots,Sunspots\n" + string.Concat(Enumerable.Range(0, 300).Select(i => $"m{i},{i},{i}\n")))),
        ["unterminated quote"] = new(["forecast", "--model", "{dir}/m.json", "--data", "{dir}/quote.csv", "--horizon", "3", "--plot", "{dir}/ahead.png"],
            ["quote.csv", "line 6", "quote", "never closed"],
            d => { File.Copy(FixturePath, d.File("m.json")); File.WriteAllText(d.File("quote.csv"), Sunspots(300, i => i == 4 ? "\"4.5" : $"{i}.5")); }),
        ["decimal comma in a semicolon file"] = new(["train", "--data", "{dir}/semi.csv", "--column", "Sunspots"],
            ["semi.csv", "line 2", "'50,5' is not a number", "write 50.5"],
            d => File.WriteAllText(d.File("semi.csv"), Sunspots(300, i => $"{50 + i % 7},5").Replace(',', ';').Replace(";5\n", ",5\n"))),

        // --data that is not a regular file (item 8)
        ["data is a FIFO"] = new(["train", "--data", "{dir}/pipe.csv"], ["pipe.csv", "FIFO", "not a regular file"], d => SpecialFiles.MakeFifo(d.File("pipe.csv"))),
        ["data is a folder"] = new(["train", "--data", "{dir}/sub"], ["sub", "folder"], d => Directory.CreateDirectory(d.File("sub"))),
        ["data is a character device"] = new(["train", "--data", "{dir}/zero"], ["zero", "character device"], d => { if (!SpecialFiles.TryShell("mknod", "-m", "666", d.File("zero"), "c", "1", "5")) Assert.Skip("this machine does not let the tests make a device node"); }, NeedsRoot: true),
        ["model is a FIFO"] = new(["predict", "--model", "{dir}/pipe.json"], ["pipe.json", "FIFO"], d => SpecialFiles.MakeFifo(d.File("pipe.json"))),
        ["many-series data is a FIFO"] = new(["train-many", "--data", "{dir}/pipe.csv", "--out", "{dir}/out"], ["pipe.csv", "FIFO", "not a regular file"], d => SpecialFiles.MakeFifo(d.File("pipe.csv"))),
        ["bundle is a FIFO"] = new(["predict", "--model", "{dir}/pipe.zip", "--id", "a"], ["pipe.zip", "FIFO"], d => SpecialFiles.MakeFifo(d.File("pipe.zip"))),
        ["bundle is not a zip"] = new(["predict", "--model", "{dir}/m.json", "--id", "a"], ["m.json", "not a model bundle"], d => File.Copy(FixturePath, d.File("m.json"))),
        ["many-series file row of the wrong width"] = new(["train-many", "--data", "{dir}/w.csv", "--id-column", "id"], ["w.csv", "line 3 has 2 fields", "header has 3"],
            d => File.WriteAllText(d.File("w.csv"), "id,month,value\na,2000-01,1\na,2000-02\n")),

        // Windows too large to hold (item 7): 128 000 training values make 28 000 windows of 100 000 (the test part none).
        ["windows too large to hold"] = new(["train", "--data", "{dir}/big.csv", "--time-steps", "100000", "--stride", "1"],
            ["160000 values make 28000 windows of 100000 steps", "11.2 GB for the windows", "more values than one array holds"], d => WriteBigCsv(d.File("big.csv"))),
        ["predict windows too large to hold"] = new(["predict", "--model", "{dir}/w.json", "--time-steps", "50000", "--stride", "1", "--data", "{dir}/big.csv"],
            ["160000 values make 110000 windows of 50000 steps", "22.0 GB for the windows"],
            d => { WriteBigCsv(d.File("big.csv")); File.WriteAllText(d.File("w.json"), KerasList()); }),

        // Weight values (items 7 and 8)
        ["null weight"] = Predict(KerasList("[0, null, 0]"), "simple_rnn/bias holds null"),
        ["\"NaN\" weight"] = Predict(KerasList("[0, \"NaN\", 0]"), "simple_rnn/bias holds the string \"NaN\""),
        ["true weight"] = Predict(KerasList("[0, true, 0]"), "simple_rnn/bias holds true"),
        ["string weight"] = Predict(KerasList("[0, 0, \"zero\"]"), "simple_rnn/bias holds the string \"zero\""),
        ["object weight"] = Predict(KerasList("[0, {\"a\": 1}, 0]"), "simple_rnn/bias holds an object"),
        ["overflowing weight"] = Predict(KerasList("[0, 0, 1e50]"), "simple_rnn/bias holds 1e50", "finite"),
        ["weight in a saved model"] = Predict(FixtureWith(m => m["weights"]![1]![2]![0] = null), "simple_rnn_0/recurrent_kernel holds null"),

        // Nested shapes
        ["flat kernel in a bare list"] = Predict(KerasList(recurrent: "[1, 0, 0, 0, 1, 0, 0, 0, 1]"), "simple_rnn/recurrent_kernel", "a flat list of 9", "should be 3×3"),
        ["transposed kernel in a bare list"] = Predict(KerasList(dense: "[[0.5, 0.5, 0.5]]"), "dense/kernel", "is 1×3", "should be 3×1"),
        ["ragged kernel in a bare list"] = Predict(KerasList(recurrent: "[[1, 0, 0, 0], [1, 0], [0, 0, 1]]"), "weight tensor 2 is ragged"),
        ["inconsistent tensors in a bare list"] = Predict(KerasList(recurrent: "[[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]"), "recurrent_kernel", "is 3×4", "should be 3×3"),
        ["flat kernel in a saved model"] = Predict(FixtureWith(m => m["weights"]![1] = new JsonArray([.. Enumerable.Repeat(0, 16).Select(v => (JsonNode)v)])),
            "simple_rnn_0/recurrent_kernel should be 4×4", "flat list"),
        ["transposed kernel in a saved model"] = Predict(FixtureWith(m => m["weights"]![6] = new JsonArray(new JsonArray(0.1, 0.2, 0.3))),
            "dense/kernel should be 3×1"),
        ["bias as rows in a saved model"] = Predict(FixtureWith(m => m["weights"]![7] = new JsonArray(new JsonArray(0.5))), "dense/bias", "nested deeper"),
        ["too many tensors in a saved model"] = Predict(FixtureWith(m => m["weights"]!.AsArray().Add(new JsonArray(1))), "expected 8 weight tensors", "got more"),

        // Spec and scaler
        ["zero units"] = Predict(FixtureWith(m => m["spec"]!["units"] = new JsonArray(0, 3)), "spec \"units\"", "from 1 to 4096", "got 0"),
        ["negative units"] = Predict(FixtureWith(m => m["spec"]!["units"] = new JsonArray(-4, 3)), "spec \"units\"", "got -4"),
        ["1e12 units"] = Predict(FixtureWith(m => m["spec"]!["units"] = new JsonArray(JsonNode.Parse("1e12"), 3)), "spec \"units\"", "got 1e12"),
        ["zero time steps"] = Predict(FixtureWith(m => m["spec"]!["time_steps"] = 0), "spec \"time_steps\"", "got 0"),
        ["fractional features"] = Predict(FixtureWith(m => m["spec"]!["features"] = 1.5), "spec \"features\"", "got 1.5"),
        ["scaler not an object"] = Predict(FixtureWith(m => m["scaler"] = "x"), "\"scaler\" is the string \"x\"", "not an object"),
        ["scaler min above max"] = Predict(FixtureWith(m => m["scaler"] = new JsonObject { ["min"] = 5, ["max"] = 1 }), "scaler \"min\" (5) is above its \"max\" (1)"),
        ["scaler NaN"] = Predict(FixtureWith(m => m["scaler"]!["max"] = "NaN"), "scaler \"max\"", "not a finite number"),

        // Bounded memory: a file far larger than its parameters need is refused before its weights are parsed.
        ["file far larger than its weights"] = Predict(FixtureWith(m => { m["padding"] = new string('x', 600_000); m["more"] = new string('y', 600_000); }),
            "far more than the 52 weights", "at most 1.1 MB"),

        // The same checks for --init-weights and explain --weights.
        ["init weights with a null"] = new(["train", "--init-weights", "{dir}/w.json"], ["w.json", "simple_rnn/bias holds null"],
            d => File.WriteAllText(d.File("w.json"), KerasList("[0, null, 0]"))),
        ["explain weights transposed"] = new(["explain", "--weights", "{dir}/w.json"], ["w.json", "dense/kernel should be 2×1"],
            d => File.WriteAllText(d.File("w.json"), "[[[0.1, 0.2]], [[1, 0], [0, 1]], [0, 0], [[0.5, 0.5]], [0]]")),
    };

    static string FixturePath => Path.Combine(AppContext.BaseDirectory, Fixture);

    static Case Predict(string model, params string[] words) =>
        new(["predict", "--model", "{dir}/m.json"], ["m.json", .. words], d => File.WriteAllText(d.File("m.json"), model));

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Bad_input_is_one_line_exit_two_and_changes_nothing(string name)
    {
        var c = Cases[name];
        using var dir = new TempDir();
        if (c.NeedsRoot && Environment.UserName != "root") Assert.Skip("making a device node needs root");
        c.Setup(dir);
        var before = Snapshot(dir.Path);
        string[] args = [.. c.Args.Select(a => a.Replace("{dir}", dir.Path))];
        if (args[0] == "train") args = [.. args, "--epochs", "1", "--save", dir.File("saved.json"), "--plot", dir.File("plot.png")];

        var run = RunWithin(TimeSpan.FromSeconds(20), args);

        Assert.True(run.ExitCode == 2, $"{name}: exit code {run.ExitCode}, stdout: {Head(run.Out)}, stderr: {Head(run.Err)}");
        var lines = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"{name}: {lines.Length} lines on stderr: {Head(run.Err)}");
        Assert.StartsWith("gpurnn: ", lines[0]);
        foreach (var word in c.Words) Assert.Contains(word, lines[0]);
        Assert.DoesNotContain("   at ", run.Err + run.Out);
        Assert.DoesNotContain("Exception", lines[0]);
        Assert.DoesNotContain("System.", lines[0]);
        Assert.Equal(before, Snapshot(dir.Path));
    }

    /// <summary>The CLI in-process on another thread, so that a read that blocks (a FIFO) fails the test instead of hanging it.</summary>
    static CliRun RunWithin(TimeSpan limit, string[] args)
    {
        var task = Task.Run(() => CliRun.Of(args));
        Assert.True(task.Wait(limit), $"gpurnn {string.Join(' ', args)} did not finish within {limit.TotalSeconds} s");
        return task.Result;
    }

    static string Head(string text) => text.Length <= 600 ? text : text[..600] + "…";

    /// <summary>Every entry under a folder with its kind, and the bytes of regular files (special files are not opened).</summary>
    static string Snapshot(string folder)
    {
        var text = new StringBuilder();
        foreach (var path in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var kind = FileStatus.Of(path, followLinks: false).Kind;
            text.Append(Path.GetRelativePath(folder, path)).Append(' ').Append(kind);
            if (kind == FileKind.Regular) text.Append(' ').Append(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))));
            text.Append('\n');
        }
        return text.ToString();
    }

    static void WriteBigCsv(string path)
    {
        using var w = new StreamWriter(path);
        w.Write("t,v\n");
        for (int i = 0; i < 160_000; i++) w.Write(string.Create(CultureInfo.InvariantCulture, $"{i},{i % 1000 / 10.0}\n"));
    }

    // ---- What must keep working ----

    [Fact]
    public void Bom_crlf_and_trailing_blank_lines_read_the_same_values()
    {
        double[] expected = [58, 62.6, 70, 55.7];
        string rows = "\"Month\",\"Sunspots\"\n\"1749-01\",58.0\n\"1749-02\",62.6\n\"1749-03\",70.0\n\"1749-04\",55.7";
        using var dir = new TempDir();
        var variants = new Dictionary<string, byte[]>
        {
            ["plain.csv"] = Encoding.UTF8.GetBytes(rows),
            ["crlf.csv"] = Encoding.UTF8.GetBytes(rows.Replace("\n", "\r\n") + "\r\n"),
            ["bom.csv"] = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(rows.Replace("\n", "\r\n"))],
            ["trailing.csv"] = Encoding.UTF8.GetBytes(rows + "\n\n  \n\r\n"),
        };
        foreach (var (name, bytes) in variants)
        {
            File.WriteAllBytes(dir.File(name), bytes);
            var series = CsvSeriesReader.ReadFile(dir.File(name), "Sunspots");
            Assert.Equal("Sunspots", series.Name);
            Assert.Equal(expected, series.Values);
        }
    }

    [Fact]
    public void A_duplicated_name_is_fine_when_the_column_is_chosen_by_index_or_is_another()
    {
        const string csv = "t,v,v,w\n1,10,100,7\n2,20,200,8\n";
        Assert.Equal([100.0, 200.0], CsvSeriesReader.ReadText(csv, "2", "t").Values);
        Assert.Equal([7.0, 8.0], CsvSeriesReader.ReadText(csv, "w", "t").Values);
    }

    [Fact]
    public void Quoted_decimal_commas_elsewhere_and_quoted_numbers_are_read()
    {
        const string csv = "label,value\n\"a, b\",1.5\n\"c\",\"2.5\"\n";
        Assert.Equal([1.5, 2.5], CsvSeriesReader.ReadText(csv, "value", "t").Values);
    }

    /// <summary>An old model file (indented, one number per line) loads and predicts what the code that wrote it predicted.</summary>
    [Fact]
    public void An_old_indented_model_file_still_loads_and_predicts_the_same()
    {
        var model = ModelFile.Load(FixturePath);
        Assert.Equal(new ModelSpec(1, [4, 3], 1, Activation.Tanh, Activation.Tanh, 12), model.Spec);
        Assert.Equal(new MinMaxScaler(0, 253.8), model.Scaler);
        Assert.Equal("Sunspots", model.Column);
        Assert.Equal(-0.5002814f, model.Parameters[0]);
        var run = CliRun.Of("predict", "--model", FixturePath);
        Assert.Equal(0, run.ExitCode);
        // The old code printed six significant digits; today's prints the digits the model resolves: same values.
        var expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Fixtures/model-v1-indented.predict.csv"));
        var actual = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected.Length, actual.Length);
        // The old code printed each target's index; today's prints its month (the sunspots start at 1749-01).
        Assert.Equal(expected[0].Replace("index,", "date,"), actual[0]);
        static string Index(string month) => $"{(int.Parse(month[..4]) - 1749) * 12 + int.Parse(month[5..]) - 1}";
        foreach (var (e, a) in expected.Skip(1).Zip(actual.Skip(1)))
        {
            double[] ev = [.. e.Split(',').Select(double.Parse)], av = [.. a.Split(',').Select((c, i) => double.Parse(i == 0 ? Index(c) : c))];
            for (int c = 0; c < 3; c++) Assert.Equal(ev[c], av[c], 5e-6 * Math.Max(1, Math.Abs(ev[c])));
        }
    }

    /// <summary>A file whose weights come before its spec (hand-edited, not written by gpurnn) is read in two passes.</summary>
    [Fact]
    public void Weights_before_the_spec_still_load()
    {
        var original = ModelFile.Load(FixturePath);
        string reordered = FixtureWith(m =>
        {
            var weights = m["weights"]!;
            m.Remove("weights");
            var spec = m["spec"]!;
            m.Remove("spec");
            m["weights"] = weights;
            m["spec"] = spec;
        });
        Assert.True(reordered.IndexOf("\"weights\"", StringComparison.Ordinal) < reordered.IndexOf("\"spec\"", StringComparison.Ordinal));
        using var dir = new TempDir();
        File.WriteAllText(dir.File("m.json"), reordered);
        var loaded = ModelFile.Load(dir.File("m.json"));
        Assert.Equal(original.Spec, loaded.Spec);
        Assert.Equal(original.Parameters, loaded.Parameters);
    }

    /// <summary>A constant series has min = max; train --save writes that scaler, so predict must load it.</summary>
    [Fact]
    public void A_model_trained_on_a_constant_series_loads()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("flat.csv"), "t,v\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"{i},5\n")));
        var train = CliRun.Of("train", "--data", dir.File("flat.csv"), "--epochs", "1", "--no-plot", "--no-baseline", "--save", dir.File("m.json"));
        Assert.Equal(0, train.ExitCode);
        Assert.Equal(new MinMaxScaler(5, 5), ModelFile.Load(dir.File("m.json")).Scaler);
        var predict = CliRun.Of("predict", "--model", dir.File("m.json"));
        Assert.True(predict.ExitCode == 0, predict.Err);
        Assert.StartsWith("12,5,", predict.Out.Split('\n')[1]);
    }

    /// <summary>
    /// Save then load at 1024 units (1.05 M weights) gives back every bit, extreme floats included, and the file
    /// stays far under the size bound (the same writer handles the 4096-unit models train --save can write).
    /// </summary>
    [Fact]
    public void A_large_model_round_trips_bit_exactly_and_compactly()
    {
        var spec = new ModelSpec(1, [1024], 1, Activation.Tanh, Activation.Linear, 12);
        var layout = spec.Layout();
        var p = RandomData.Parameters(new Random(1024), layout, 0.05);
        float[] extremes = [float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, -0f, 1e-38f, 3.4028233e38f, 0.1f, 1f / 3, 16777217f];
        extremes.CopyTo(p, 0);
        extremes.CopyTo(p, layout.DenseBias.Offset - extremes.Length);
        var scaler = new MinMaxScaler(-0.1, 1e300);
        using var dir = new TempDir();
        var watch = Stopwatch.StartNew();
        ModelFile.Save(dir.File("big.json"), new SavedModel(spec, p, scaler, "v\"1", dir.File("data.csv")));
        var loaded = ModelFile.Load(dir.File("big.json"));
        watch.Stop();

        Assert.Equal(spec, loaded.Spec);
        Assert.Equal(p.Select(BitConverter.SingleToInt32Bits), loaded.Parameters.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(scaler, loaded.Scaler);
        Assert.Equal("v\"1", loaded.Column);
        Assert.Equal(dir.File("data.csv"), loaded.DataPath);
        long bytes = new FileInfo(dir.File("big.json")).Length;
        Assert.True(bytes < 16L * layout.Count, $"{bytes} bytes for {layout.Count} weights");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"save + load took {watch.Elapsed}");
    }
}
