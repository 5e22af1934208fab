using GpuRnn.Training.Explain;

namespace GpuRnn.Tests;

public class ModelTests
{
    [Fact]
    public void Layout_follows_keras_get_weights_order()
    {
        var layout = ModelSpec.Tutorial.Layout();
        Assert.Equal(["simple_rnn/kernel", "simple_rnn/recurrent_kernel", "simple_rnn/bias", "dense/kernel", "dense/bias"],
            layout.Slots.Select(s => s.Name));
        Assert.Equal([(1, 3), (3, 3), (1, 3), (3, 1), (1, 1)], layout.Slots.Select(s => (s.Rows, s.Columns)));
        Assert.Equal(19, layout.Count);
        var stacked = (ModelSpec.Tutorial with { Units = [8, 4] }).Layout();
        Assert.Equal((8, 4), (stacked.Kernel[1].Rows, stacked.Kernel[1].Columns));
        Assert.Equal(8 + 64 + 8 + 32 + 16 + 4 + 4 + 1, stacked.Count);
    }

    /// <summary>The count a spec validates with, and the kernels' arguments, are the layout's own offsets and sizes.</summary>
    [Fact]
    public void Layout_count_and_kernel_arguments_agree_with_its_slots()
    {
        var spec = new ModelSpec(3, [8, 4, 2], 2, Activation.Relu, Activation.Sigmoid, 12);
        var layout = spec.Layout();
        Assert.Equal(layout.Count, ParameterLayout.CountOf(spec.Features, spec.Units, spec.Outputs));
        Assert.Equal(layout.Slots.Sum(s => s.Length), layout.Count);
        var (net, layers) = layout.KernelArguments(timeSteps: 5);
        // States: (T + 1)·units per layer (h_0 included); state gradients: T·units per layer.
        Assert.Equal((5, 3, 2, layout.Count, 6 * (8 + 4 + 2), 5 * (8 + 4 + 2), 8, 2), (net.TimeSteps, net.Features, net.Outputs, net.ParameterCount,
            net.StateStride, net.StateGradientStride, net.MaxUnits, net.TopUnits));
        Assert.Equal((layout.DenseKernel.Offset, layout.DenseBias.Offset, Activation.Relu, Activation.Sigmoid),
            (net.DenseKernelOffset, net.DenseBiasOffset, net.Hidden, net.Output));
        Assert.Equal((2, 4, 2, layout.Kernel[2].Offset, layout.RecurrentKernel[2].Offset, layout.Bias[2].Offset, 6 * 12, 6 * 8, 5 * 12, 5 * 8),
            (layers[2].Index, layers[2].Inputs, layers[2].Units, layers[2].KernelOffset, layers[2].RecurrentOffset, layers[2].BiasOffset,
                layers[2].StateOffset, layers[2].BelowStateOffset, layers[2].StateGradientOffset, layers[2].BelowStateGradientOffset));
        Assert.Equal((net.TopStateOffset, net.TopStateGradientOffset), (layers[2].StateOffset, layers[2].StateGradientOffset));
        Assert.Equal((3, 0, 0, 0, 0), (layers[0].Inputs, layers[0].StateOffset, layers[0].BelowStateOffset, layers[0].StateGradientOffset, layers[0].BelowStateGradientOffset));
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.KernelArguments(0));
    }

    [Fact]
    public void Keras_initialisers_give_orthogonal_recurrent_kernels_bounded_glorot_kernels_and_zero_biases()
    {
        var spec = new ModelSpec(3, [7, 5], 2, Activation.Tanh, Activation.Tanh, 4);
        var layout = spec.Layout();
        var p = Initializers.KerasDefaults(layout, seed: 42);
        foreach (var slot in layout.RecurrentKernel)
            for (int a = 0; a < slot.Columns; a++)
                for (int b = 0; b < slot.Columns; b++)
                {
                    double dot = 0;
                    for (int r = 0; r < slot.Rows; r++) dot += p[slot.At(r, a)] * p[slot.At(r, b)];
                    Assert.Equal(a == b ? 1.0 : 0.0, dot, 1e-5);
                }
        foreach (var slot in layout.Kernel.Append(layout.DenseKernel))
        {
            double limit = Math.Sqrt(6.0 / (slot.Rows + slot.Columns));
            var values = p.AsSpan(slot.Offset, slot.Length).ToArray();
            Assert.All(values, v => Assert.InRange(v, -limit, limit));
            Assert.Contains(values, v => v != 0);
        }
        foreach (var slot in layout.Bias.Append(layout.DenseBias))
            Assert.All(p.AsSpan(slot.Offset, slot.Length).ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(p, Initializers.KerasDefaults(layout, seed: 42));
        Assert.NotEqual(p, Initializers.KerasDefaults(layout, seed: 43));
    }

    /// <summary>
    /// One Keras Adam step by hand. A linear 1-1-1 network with every weight 0 but the dense bias b = 1, input 1 and
    /// target 0 has L = b², so g = 2; then m = 0.2, v = 0.004, α = 1e-3·√(1 − 0.999)/(1 − 0.9) and
    /// b = 1 − α·0.2/(√0.004 + 1e-7).
    /// </summary>
    [Fact]
    public void Adam_step_is_kerass_form()
    {
        var step = new AdamOptions().StepFor(1);
        Assert.Equal(1e-3 * Math.Sqrt(1 - 0.999) / (1 - 0.9), step.Alpha, 1e-8); // float32, as Keras computes it

        var spec = new ModelSpec(1, [1], 1, Activation.Linear, Activation.Linear, 1);
        using var engine = new ScalarEngine<double>(spec);
        engine.SetTrainingData(new GpuRnn.Training.Data.WindowSet([1f], [0f], 1, 1, 1, 1));
        engine.SetParametersExact([0, 0, 0, 0, 1.0]);
        engine.Forward(0, 1);
        engine.Backward();
        Assert.Equal(2.0, engine.GetGradientsExact()[4], 12);
        engine.ApplyAdam(step);
        // The engine takes β and ε as float32 (as Keras stores them), so the hand arithmetic uses those same values.
        double m = 2 * (1 - (double)0.9f), v = 4 * (1 - (double)0.999f);
        double expected = 1 - (double)step.Alpha * m / (Math.Sqrt(v) + (double)1e-7f);
        Assert.Equal(expected, engine.GetParametersExact()[4], 12);
        Assert.Equal(new double[4], engine.GetParametersExact()[..4]); // zero gradient: Adam leaves them alone
    }

    /// <summary>The tutorial's part 1 with its printed weights: the output is −3.8698118 in float32.</summary>
    [Fact]
    public void Explain_hand_computation_equals_the_forward_pass()
    {
        var spec = new ModelSpec(1, [2], 1, Activation.Linear, Activation.Linear, 3);
        var layout = spec.Layout();
        float[] p = [0.18662322f, -1.2369459f, 0.86981213f, -0.49338293f, 0.49338293f, 0.8698122f, 0, 0, -0.4635998f, 0.6538409f, 0];
        var byHand = StepByStep.Compute(layout, p, [[1], [2], [3]]);

        using var engine = new ScalarEngine<float>(spec);
        engine.SetParameters(p);
        var predicted = engine.Predict(new GpuRnn.Training.Data.WindowSet([1f, 2f, 3f], [0f], 1, 3, 1, 1));
        Assert.Equal(-3.8698118f, predicted[0]);
        Assert.Equal(predicted[0], byHand.Output[0], 1e-5);

        // h1 = x1·wx by hand; h2 = x2·wx + h1·wh.
        Assert.Equal(0.18662322, byHand.Steps[0].Hidden[0], 6);
        Assert.Equal(-1.2369459, byHand.Steps[0].Hidden[1], 6);
        double h2a = 2 * 0.18662322 + 0.18662322 * 0.86981213 + -1.2369459 * 0.49338293;
        Assert.Equal(h2a, byHand.Steps[1].Hidden[0], 6);

        var exact = new ScalarEngine<double>(spec);
        exact.SetParameters(p);
        var (states, _) = exact.ForwardExact([1.0, 2.0, 3.0]);
        for (int t = 0; t < 3; t++)
            for (int j = 0; j < 2; j++) Assert.Equal(byHand.Steps[t].Hidden[j], states[0][(t + 1) * 2 + j], 12);
    }

    [Theory]
    [InlineData(new[] { 3, 2 }, Activation.Tanh)]
    [InlineData(new[] { 4, 1, 5 }, Activation.Sigmoid)]
    public void Explain_handles_stacked_layers(int[] units, Activation activation)
    {
        var spec = new ModelSpec(1, units, 1, activation, Activation.Linear, 4);
        var layout = spec.Layout();
        var p = RandomData.Parameters(new Random(units.Sum()), layout, 0.7);
        var byHand = StepByStep.Compute(layout, p, [[0.5], [-1], [2], [0.25]]);
        var exact = new ScalarEngine<double>(spec);
        exact.SetParameters(p);
        var (states, output) = exact.ForwardExact([0.5, -1, 2, 0.25]);
        Assert.Equal(units.Length, byHand.Layers.Count);
        for (int l = 0; l < units.Length; l++)
            for (int t = 0; t < 4; t++)
                for (int j = 0; j < units[l]; j++) Assert.Equal(states[l][(t + 1) * units[l] + j], byHand.Layers[l][t].Hidden[j], 12);
        Assert.Equal(output[0], byHand.Output[0], 12);
        Assert.Contains("agree: yes", CliRun.Of("explain", "--units", string.Join(",", units), "--activation", activation.ToKeras()).Out);
    }

    /// <summary>A saved model says how it was trained; files written before that still load, with no record.</summary>
    [Fact]
    public void A_saved_model_records_how_it_was_trained()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("train", "--seed", "7", "--lr", "0.003", "--epochs", "4", "--batch-size", "2", "--validation-split", "0.25",
            "--no-shuffle", "--no-plot", "--no-baseline", "--save", dir.File("m.json"));
        Assert.True(run.ExitCode == 0, run.Err);
        var saved = ModelFile.Load(dir.File("m.json"));
        Assert.Equal(new TrainingRecord(7, 0.003f, 4, 4, 2, 0.25, false), saved.Training);

        var predicted = CliRun.Of("predict", "--model", dir.File("m.json")); // the record changes nothing else
        Assert.Equal(0, predicted.ExitCode);
        Assert.Null(ModelFile.Load(System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures/model-v1-indented.json")).Training);
    }
}
