namespace GpuRnn.Tests;

/// <summary>Values Keras itself produces (its own SimpleRNN test and the tutorial's part 1).</summary>
public class KerasGoldenTests
{
    /// <summary>
    /// Keras's SimpleRNN on arange(24) shaped (2, 3, 4), 4 units, tanh, kernel 0.01, recurrent kernel 0.02,
    /// bias 0.03: every unit of the last state is 0.405432 (first sequence) and 0.73605347 (second). The Dense head
    /// is made the identity (linear, kernel I, bias 0) so that the model's output is that last hidden state.
    /// </summary>
    [Fact]
    public void Last_hidden_state_matches_keras()
    {
        var spec = new ModelSpec(4, [4], 4, Activation.Tanh, Activation.Linear, 3);
        var layout = spec.Layout();
        var p = new float[layout.Count];
        Fill(p, layout.Kernel[0], 0.01f);
        Fill(p, layout.RecurrentKernel[0], 0.02f);
        Fill(p, layout.Bias[0], 0.03f);
        for (int j = 0; j < 4; j++) p[layout.DenseKernel.At(j, j)] = 1f;
        var x = Enumerable.Range(0, 24).Select(i => (float)i).ToArray();
        var windows = new WindowSet(x, new float[8], 2, 3, 4, 4);

        using var engine = new ScalarEngine<float>(spec);
        engine.SetParameters(p);
        var h = engine.Predict(windows);

        for (int j = 0; j < 4; j++)
        {
            Assert.Equal(0.405432, h[j], 1e-6);
            Assert.Equal(0.73605347, h[4 + j], 1e-6);
        }
    }

    static void Fill(float[] p, TensorSlot slot, float value) => p.AsSpan(slot.Offset, slot.Length).Fill(value);
}
