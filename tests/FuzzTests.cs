using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace GpuRnn.Tests;

/// <summary>
/// Issue 8's fuzz test: thousands of randomly mutated CSV and model files through <c>train</c> and <c>predict</c>,
/// in-process, from a fixed seed. Only the contract is asserted: exit 0, 1 (diverged) or 2 (refused); on 1 or 2 one
/// line on stderr and no stack trace; and a run that fails leaves no new file. <c>GPURNN_FUZZ_COUNT</c> raises the
/// number of cases and lifts the time guard (the default, 2 000 cases, takes about 15 s here).
/// </summary>
public class FuzzTests
{
    const int Seed = 20261129;
    static readonly TimeSpan Budget = TimeSpan.FromSeconds(45);

    static int? Asked => int.TryParse(Environment.GetEnvironmentVariable("GPURNN_FUZZ_COUNT"), out int n) && n > 0 ? n : null;

    static int Count => Asked ?? 2000;

    static readonly string BaseCsv = "Month,Sunspots,Other\n" + string.Join("\n", Enumerable.Range(0, 40).Select(i =>
        string.Create(CultureInfo.InvariantCulture, $"1749-{i % 12 + 1:00},{50 + 30 * Math.Sin(i / 3.0):F3},{i}"))) + "\n";

    static readonly string BaseKeras = "[[[0.1, -0.2, 0.3]], [[1,0,0],[0,1,0],[0,0,1]], [0,0,0], [[0.5],[-0.4],[0.3]], [0]]";

    static readonly string BaseModel = """
        {
          "format": "gpurnn-model/1",
          "spec": { "features": 1, "units": [3], "outputs": 1, "hidden_activation": "tanh", "output_activation": "tanh", "time_steps": 4 },
          "weights": [[[0.1, -0.2, 0.3]], [[1,0,0],[0,1,0],[0,0,1]], [0,0,0], [[0.5],[-0.4],[0.3]], [0]],
          "scaler": { "min": 20.0, "max": 80.0 },
          "column": "Sunspots"
        }
        """;

    static readonly string[] Oddities =
    [
        "1e308", "-1e308", "1e-320", "NaN", "Infinity", "-0", "null", "true", "\"x\"", "\"", ",", ",,", "\n", "\r\n", "\"\"\"", "{}", "[]", "[[", "]]",
        "1,5", "١٢٣", "\u00a0", "\ufeff", "\0", "9999999999999999999999", "0x10", "1e", "--", "😀", "\t", ";",
    ];

    [Fact]
    public void Mutated_csv_and_model_files_get_exit_0_1_or_2_one_line_and_no_stray_file()
    {
        var rng = new Random(Seed);
        var clock = Stopwatch.StartNew();
        using var dir = new TempDir();
        int ran = 0;
        for (; ran < Count && (Asked is not null || clock.Elapsed < Budget); ran++) // the time guard keeps CI bounded on a slow machine
        {
            int kind = rng.Next(3);
            byte[] bytes = Mutate(rng, Encoding.UTF8.GetBytes(kind switch { 0 => BaseCsv, 1 => BaseKeras, _ => BaseModel }));
            string input = dir.File(kind == 0 ? "in.csv" : "in.json");
            File.WriteAllBytes(input, bytes);
            File.WriteAllText(dir.File("base.csv"), BaseCsv);
            string[] args = kind == 0
                ? ["train", "--data", input, "--column", rng.Next(2) == 0 ? "Sunspots" : "1", "--time-steps", "4", "--epochs", "1", "--no-baseline",
                   "--accelerator", "scalar", "--save", dir.File("out.json"), "--plot", dir.File("out.png")]
                : ["predict", "--model", input, "--data", dir.File("base.csv"), "--time-steps", "4"];
            var before = Directory.GetFiles(dir.Path).Order().ToArray();

            CliRun run;
            try { run = CliRun.Of(args); }
            catch (Exception e)
            {
                Assert.Fail($"case {ran}: {string.Join(' ', args[..2])} threw {e.GetType().Name}: {e.Message}\ninput (base64): {Convert.ToBase64String(bytes)}");
                return;
            }
            string context = $"case {ran} ({args[0]}), input (base64): {Convert.ToBase64String(bytes)}\nstderr: {run.Err}";
            Assert.True(run.ExitCode is 0 or 1 or 2, $"exit {run.ExitCode}; {context}");
            if (run.ExitCode != 0)
            {
                var lines = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.True(lines.Length == 1 && lines[0].StartsWith("gpurnn: ", StringComparison.Ordinal), context);
                Assert.True(Directory.GetFiles(dir.Path).Order().SequenceEqual(before), $"a failed run left a file; {context}");
            }
            Assert.DoesNotContain("   at ", run.Err);
            foreach (var f in new[] { "out.json", "out.png", "out.loss.png" }) File.Delete(dir.File(f));
        }
        Assert.True(ran >= Math.Min(Count, 200), $"only {ran} cases ran in {Budget.TotalSeconds} s");
    }

    /// <summary>One to four mutations: flipped bytes, cuts, duplicated or deleted spans, odd tokens inserted or put in place of a number, another encoding.</summary>
    static byte[] Mutate(Random rng, byte[] data)
    {
        var bytes = new List<byte>(data);
        int mutations = 1 + rng.Next(4);
        for (int m = 0; m < mutations && bytes.Count > 0; m++)
        {
            int at = rng.Next(bytes.Count);
            switch (rng.Next(9))
            {
                case 0: bytes[at] = (byte)rng.Next(256); break;
                case 1: bytes.RemoveRange(at, bytes.Count - at); break; // truncation
                case 2: bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + rng.Next(8))); break;
                case 3: bytes.InsertRange(at, Encoding.UTF8.GetBytes(Oddities[rng.Next(Oddities.Length)])); break;
                case 4:
                    int len = Math.Min(bytes.Count - at, 1 + rng.Next(40));
                    bytes.InsertRange(at, bytes.GetRange(at, len)); break;
                case 5: bytes.Insert(at, (byte)','); break; // a field too many
                case 7 or 8: // a number replaced by an odd token: keeps the file well-formed around it, so parsers go deep
                    var numbers = System.Text.RegularExpressions.Regex.Matches(Encoding.UTF8.GetString([.. bytes]), @"-?\d+(\.\d+)?");
                    if (numbers.Count == 0) break;
                    var n = numbers[rng.Next(numbers.Count)];
                    string replaced = Encoding.UTF8.GetString([.. bytes]);
                    bytes = [.. Encoding.UTF8.GetBytes(replaced[..n.Index] + Oddities[rng.Next(Oddities.Length)] + replaced[(n.Index + n.Length)..])];
                    break;
                case 6:
                    var text = Encoding.UTF8.GetString([.. bytes]);
                    return rng.Next(2) == 0 ? [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)] : Encoding.Latin1.GetBytes(text);
            }
        }
        return [.. bytes];
    }
}
