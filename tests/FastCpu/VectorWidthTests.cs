using GpuRnn.Training.Engines.FastCpu;

namespace GpuRnn.Tests.FastCpu;

/// <summary>
/// The SIMD engines at every vector width this CPU runs (512, 256 and 128 bits: the same generic source, compiled per
/// width), against the float32 reference: forward loss, every gradient, Adam steps and predictions, with the
/// SIMD tolerance of the engine contract (which runs each width too, on its own shapes). The shapes reach every tile of the products (blocks of 4 vectors
/// and of 1, whole tiles and edges, packed and lane-summed weight gradients). Windows in lanes add a batch's terms in an order that depends on
/// the width (and on nothing else); models in lanes never mix lanes, so each model's bits are the same at every width.
/// </summary>
public sealed class VectorWidthTests
{
    const double Tolerance = 1e-4, Floor = 1e-6;

    /// <summary>GPURNN_SIMD_WIDTH narrows the engines' width, never widens it past the hardware's; anything else is ignored.</summary>
    [Theory]
    [InlineData(VectorWidth.Bits512, "256", VectorWidth.Bits256)]
    [InlineData(VectorWidth.Bits512, "128", VectorWidth.Bits128)]
    [InlineData(VectorWidth.Bits512, "512", VectorWidth.Bits512)]
    [InlineData(VectorWidth.Bits256, "512", VectorWidth.Bits256)]
    [InlineData(VectorWidth.Bits512, "300", VectorWidth.Bits512)]
    [InlineData(VectorWidth.Bits512, "wide", VectorWidth.Bits512)]
    [InlineData(VectorWidth.Bits256, null, VectorWidth.Bits256)]
    internal void The_width_variable_narrows_the_hardware_s_width_only(VectorWidth hardware, string? asked, VectorWidth expected) =>
        Assert.Equal(expected, VectorWidths.Narrowed(hardware, asked));

    /// <summary>The widths to test: every one up to the widest this CPU runs in hardware.</summary>
    static IEnumerable<int> Widths() => new[] { 512, 256, 128 }.Where(bits => bits <= (int)VectorWidths.Widest);

    static readonly (int Features, int[] Units, int Outputs, Activation Hidden, Activation Output, int Steps, int Windows, int Batch)[] Shapes =
    [
        (1, [3], 1, Activation.Tanh, Activation.Tanh, 12, 40, 1),
        (1, [3], 1, Activation.Tanh, Activation.Tanh, 12, 300, 257),
        (2, [5], 3, Activation.Relu, Activation.Sigmoid, 7, 70, 33),
        (4, [32], 1, Activation.Tanh, Activation.Linear, 10, 200, 129),
        (1, [64], 2, Activation.Tanh, Activation.Tanh, 6, 80, 80),
        (3, [33, 12], 1, Activation.Sigmoid, Activation.Sigmoid, 3, 260, 257),
        (1, [6, 5, 3], 2, Activation.Relu, Activation.Linear, 4, 30, 9),
        (2, [16, 9], 1, Activation.Tanh, Activation.Linear, 5, 21, 4), // batches of one vector (R = 1) with whole tiles and packed deltas
        (1, [48], 1, Activation.Tanh, Activation.Tanh, 7, 150, 100),   // 3 vectors of units at 512 bits: the packed product's odd column
    ];

    public static TheoryData<int, int> WidthsAndShapes()
    {
        var data = new TheoryData<int, int>();
        foreach (int bits in Widths())
            for (int shape = 0; shape < Shapes.Length; shape++) data.Add(bits, shape);
        return data;
    }

    static ModelSpec SpecOf(int shape)
    {
        var s = Shapes[shape];
        return new ModelSpec(s.Features, s.Units, s.Outputs, s.Hidden, s.Output, s.Steps);
    }

    [Theory]
    [MemberData(nameof(WidthsAndShapes))]
    public void Windows_in_lanes_match_the_scalar_engine_at_every_width(int bits, int shape)
    {
        var spec = SpecOf(shape);
        using var fast = new FastCpuEngine(spec, (VectorWidth)bits);
        Assert.Equal((VectorWidth)bits, fast.Width);
        MatchesTheScalarEngine(fast, shape);
    }

    [Theory]
    [MemberData(nameof(WidthsAndShapes))]
    public void Models_in_lanes_match_the_scalar_engine_at_every_width(int bits, int shape)
    {
        var spec = SpecOf(shape);
        if (spec.Layers > 1) return; // models in lanes take one layer
        using var fast = new ModelLanesEngine(spec, 1, (VectorWidth)bits);
        Assert.Equal(bits / 32, fast.LanesPerVector);
        MatchesTheScalarEngine(fast, shape);
    }

    static void MatchesTheScalarEngine(IRnnEngine fast, int shape)
    {
        var (_, units, _, _, _, steps, windows, batch) = Shapes[shape];
        var spec = fast.Spec;
        var data = RandomData.Windows(new Random(windows * 31 + steps), spec, windows);
        var order = RandomData.Permutation(windows, new Random(7));
        using var reference = new ScalarEngine<float>(spec);
        foreach (var engine in new[] { reference, fast })
        {
            engine.SetTrainingData(data);
            engine.SetParameters(RandomData.KerasWithNoise(spec.Layout(), seed: units.Sum() + steps));
            engine.SetOrder(order);
        }
        for (int start = 0; start < windows; start += batch)
        {
            int count = Math.Min(batch, windows - start);
            foreach (var engine in new[] { reference, fast }) engine.Forward(start, count);
            Close.Assert([reference.TakeLossSum()], [fast.TakeLossSum()], Tolerance, $"loss of batch at {start}", Floor);
            foreach (var engine in new[] { reference, fast }) engine.Backward();
            Close.Assert(reference.GetGradients(), fast.GetGradients(), Tolerance, $"gradients of batch at {start}", Floor);
            var step = new AdamOptions(LearningRate: 1e-2f).StepFor(start / batch + 1);
            foreach (var engine in new[] { reference, fast }) engine.ApplyAdam(step);
            Close.Assert(reference.GetParameters(), fast.GetParameters(), Tolerance, $"parameters after batch at {start}", Floor);
        }
        Close.Assert(reference.Predict(data), fast.Predict(data), Tolerance, "predictions", Floor);
    }

    /// <summary>Each model's lane performs the same float32 operations at every width: training gives the same bits.</summary>
    [Fact]
    public void Models_in_lanes_give_the_same_bits_at_every_width()
    {
        var spec = new ModelSpec(1, [5], 1, Activation.Tanh, Activation.Tanh, 6);
        var data = RandomData.Windows(new Random(3), spec, 50);
        var models = Enumerable.Range(1, 5).Select(seed => new ModelVariant(seed, 0.002f * seed)).ToArray();
        var options = new TrainingOptions { Epochs = 2, BatchSize = 8 };
        float[] Train(int bits)
        {
            using var engine = new ModelLanesEngine(spec, models.Length, (VectorWidth)bits);
            engine.SetParameters([.. models.SelectMany(m => Initializers.KerasDefaults(spec.Layout(), m.Seed))]);
            Trainer.Fit(engine, data, options, models);
            return engine.GetParameters();
        }
        var widest = Train((int)VectorWidths.Widest);
        foreach (int bits in Widths()) Assert.Equal(widest, Train(bits));
    }

    /// <summary>Windows in lanes at a given width: several chunks on several threads, the same bits every run.</summary>
    [Fact]
    public void Threaded_windows_in_lanes_are_bit_identical_at_every_width()
    {
        var spec = new ModelSpec(1, [20], 1, Activation.Tanh, Activation.Tanh, 8);
        var data = RandomData.Windows(new Random(5), spec, 1500);
        var initial = RandomData.KerasWithNoise(spec.Layout(), seed: 9);
        foreach (int bits in Widths())
        {
            float[] Train()
            {
                using var engine = new FastCpuEngine(spec, (VectorWidth)bits);
                engine.SetParameters(initial);
                Trainer.Fit(engine, data, new TrainingOptions { Epochs = 1, BatchSize = 700 });
                return engine.GetParameters();
            }
            var first = Train();
            for (int run = 0; run < 2; run++) Assert.Equal(first, Train());
        }
    }

    /// <summary>Models in lanes take the narrowest vectors that hold them in a chunk per core.</summary>
    [Fact]
    public void Models_in_lanes_fill_every_core_on_the_narrowest_vectors()
    {
        Assert.Equal(VectorWidth.Bits128, ModelLanesEngine.WidthFor(models: 1, cores: 2));
        Assert.Equal(VectorWidth.Bits128, ModelLanesEngine.WidthFor(models: 8, cores: 2));
        Assert.Equal(VectorWidth.Bits128, ModelLanesEngine.WidthFor(models: 16, cores: 4));
        if (VectorWidths.Widest >= VectorWidth.Bits256) Assert.Equal(VectorWidth.Bits256, ModelLanesEngine.WidthFor(models: 16, cores: 2));
        Assert.Equal(VectorWidths.Widest, ModelLanesEngine.WidthFor(models: 200, cores: 2));
    }

    /// <summary>Windows in lanes: a batch that fits in fewer lanes runs on the narrowest vectors that hold it.</summary>
    [Fact]
    public void A_small_batch_runs_on_the_narrowest_vectors_that_hold_it()
    {
        using var engine = new FastCpuEngine(ModelSpec.Tutorial);
        Assert.Equal(VectorWidth.Bits128, engine.BatchWidth(1));
        Assert.Equal(VectorWidth.Bits128, engine.BatchWidth(4));
        Assert.Equal(VectorWidths.Widest, engine.BatchWidth(1024));
        if (VectorWidths.Widest >= VectorWidth.Bits256) Assert.Equal(VectorWidth.Bits256, engine.BatchWidth(5));
    }

    /// <summary>
    /// Predict deals blocks of windows to a batch per core when the set is large: a window's outputs must not depend on
    /// which core, block or lane it landed in.
    /// </summary>
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
