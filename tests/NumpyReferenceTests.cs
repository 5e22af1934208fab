using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace GpuRnn.Tests;

/// <summary>
/// Training on several input columns against an independent rewrite: <c>Reference/simple_rnn_adam.py</c> scales, windows
/// and trains SimpleRNN + Dense with Adam in NumPy (float64) from Keras's definitions. From the same initial weights
/// (a Keras <c>get_weights()</c> list with an F × units kernel, through <c>--init-weights</c>), a few unshuffled Adam
/// steps must give the same weights within 1e-5. Needs NumPy (Debian's python3-numpy; .ci/run installs it) and
/// skips, saying so, where no python3 has it.
/// </summary>
public class NumpyReferenceTests
{
    const double Tolerance = 1e-5;

    public static TheoryData<string, string, int, string> Cases => new()
    {
        { "a,b,c", "c", 1, "scalar" }, // the target is one of the inputs
        { "a,b", "c", 4, "scalar" },   // the target is not an input; batches of 4, the last one short
        { "a,b,c", "c", 4, "simd" },
        { "b,a", "c", 1, "simd" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_few_adam_steps_on_several_columns_match_numpy(string features, string target, int batchSize, string accelerator)
    {
        string python = PythonWithNumpy();
        using var dir = new TempDir();
        WriteColumns(dir.File("data.csv"), rows: 40);
        var spec = new ModelSpec(features.Split(',').Length, [3], 1, Activation.Tanh, Activation.Tanh, 4);
        File.WriteAllText(dir.File("initial.json"), ModelFile.WeightsToJson(spec.Layout(), RandomData.KerasWithNoise(spec.Layout(), seed: 7)));

        var run = CliRun.Of("train", "--data", dir.File("data.csv"), "--features", features, "--target", target, "--init-weights", dir.File("initial.json"),
            "--time-steps", "4", "--stride", "2", "--batch-size", batchSize.ToString(CultureInfo.InvariantCulture), "--epochs", "2", "--lr", "0.01",
            "--no-shuffle", "--accelerator", accelerator, "--no-plot", "--no-baseline", "--save", dir.File("trained.json"));
        Assert.True(run.ExitCode == 0, run.Err);

        File.WriteAllText(dir.File("case.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["csv"] = dir.File("data.csv"), ["features"] = features.Split(','), ["target"] = target, ["weights"] = dir.File("initial.json"),
            ["time_steps"] = 4, ["stride"] = 2, ["split"] = 0.8, ["batch_size"] = batchSize, ["epochs"] = 2, ["learning_rate"] = 0.01,
            ["hidden_activation"] = "tanh", ["output_activation"] = "tanh",
        }));
        File.WriteAllText(dir.File("numpy.json"), Run(python, Path.Combine(AppContext.BaseDirectory, "Reference", "simple_rnn_adam.py"), dir.File("case.json")));

        var ours = ModelFile.Load(dir.File("trained.json")).Parameters;
        var numpy = WeightsFile.Load(dir.File("numpy.json"), spec);
        var initial = WeightsFile.Load(dir.File("initial.json"), spec);
        Assert.True(ours.Zip(initial).Max(p => Math.Abs(p.First - p.Second)) > 100 * Tolerance, "training should move the weights");
        for (int i = 0; i < ours.Length; i++)
            Assert.True(Math.Abs(ours[i] - numpy[i]) <= Tolerance, $"weight {i}: gpurnn {ours[i]:R}, NumPy {numpy[i]:R}");
    }

    /// <summary>Three smooth, differently scaled columns; c depends on a and b.</summary>
    static void WriteColumns(string path, int rows)
    {
        using var w = new StreamWriter(path);
        w.WriteLine("a,b,c");
        for (int i = 0; i < rows; i++)
        {
            double a = 10 + 5 * Math.Sin(i / 3.0), b = 100 * Math.Cos(i / 5.0), c = 0.5 * a + 0.01 * b + Math.Sin(i / 2.0);
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{a:R},{b:R},{c:R}"));
        }
    }

    /// <summary>The first python3 that imports NumPy: the one on PATH, else Debian's (where python3-numpy installs).</summary>
    static string PythonWithNumpy()
    {
        string[] candidates = ["python3", "/usr/bin/python3"];
        foreach (var python in candidates)
        {
            try
            {
                Run(python, "-c", "import numpy");
                return python;
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
        }
        Assert.Skip($"no python3 here imports NumPy (tried {string.Join(", ", candidates)}): apt-get install -y python3-numpy to run this comparison");
        return "";
    }

    static string Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(60_000)) { p.Kill(); throw new InvalidOperationException($"{file} did not finish within 60 s"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(" ", args)} exited with {p.ExitCode}: {stderr.Result}");
        return stdout;
    }
}
