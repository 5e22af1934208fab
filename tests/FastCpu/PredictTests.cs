using GpuRnn.Training.Engines.FastCpu;

namespace GpuRnn.Tests.FastCpu;

/// <summary>
/// The SIMD engine's Predict deals blocks of windows to a batch per core when the set is large: a window's outputs
/// must not depend on which core, block or lane it landed in.
/// </summary>
public sealed class PredictTests
{
    [Fact]
    public void A_large_set_predicts_each_window_as_its_reversed_set_does_and_as_the_scalar_engine()
    {
        var spec = new ModelSpec(2, [16], 3, Activation.Tanh, Activation.Linear, 12);
        var rng = new Random(23);
        var windows = RandomData.Windows(rng, spec, 3001); // many blocks on every core, and a part block at the end
        var parameters = RandomData.Parameters(rng, spec.Layout(), 0.4);
        var reversed = Reversed(windows);

        using var simd = new FastCpuEngine(spec);
        simd.SetParameters(parameters);
        var forward = simd.Predict(windows);
        var backward = simd.Predict(reversed);
        using var scalar = new ScalarEngine<double>(spec);
        scalar.SetParameters(parameters);
        var reference = scalar.Predict(windows);

        int outs = spec.Outputs;
        for (int n = 0; n < windows.Count; n++)
            for (int k = 0; k < outs; k++)
            {
                float value = forward[n * outs + k];
                Assert.Equal(value, backward[(windows.Count - 1 - n) * outs + k]); // bit for bit
                Assert.True(Math.Abs(value - reference[n * outs + k]) <= 1e-4 * Math.Max(1, Math.Abs(reference[n * outs + k])),
                    $"window {n}, output {k}: {value} against the scalar engine's {reference[n * outs + k]}");
            }
    }

    static WindowSet Reversed(WindowSet w)
    {
        int xs = w.TimeSteps * w.Features;
        var x = new float[w.X.Length];
        var y = new float[w.Y.Length];
        for (int n = 0; n < w.Count; n++)
        {
            Array.Copy(w.X, (w.Count - 1 - n) * xs, x, n * xs, xs);
            Array.Copy(w.Y, (w.Count - 1 - n) * w.Outputs, y, n * w.Outputs, w.Outputs);
        }
        return new WindowSet(x, y, w.Count, w.TimeSteps, w.Features, w.Outputs);
    }
}
