namespace GpuRnn.Tests;

/// <summary>
/// BPTT against central finite differences, both in float64: the engine's analytic gradient of the batch's mean
/// squared error must equal (L(θ + h) − L(θ − h)) / 2h for every parameter.
/// </summary>
public class GradientCheckTests
{
    public static TheoryData<int, int[], int, Activation, Activation> Cases()
    {
        var data = new TheoryData<int, int[], int, Activation, Activation>();
        var activations = Enum.GetValues<Activation>();
        int seed = 0;
        foreach (var hidden in activations)
            foreach (var output in activations)
            {
                seed++;
                data.Add(seed, [1 + seed % 8], 1 + (seed * 5) % 16, hidden, output);
            }
        data.Add(101, [8], 16, Activation.Tanh, Activation.Tanh);
        data.Add(102, [1], 1, Activation.Tanh, Activation.Sigmoid);
        data.Add(103, [5, 3], 7, Activation.Tanh, Activation.Linear);
        data.Add(104, [2, 4, 3], 5, Activation.Sigmoid, Activation.Tanh);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bptt_equals_finite_differences_for_a_single_window(int seed, int[] units, int steps, Activation hidden, Activation output) =>
        Check(seed, units, steps, hidden, output, windows: 1, batch: 1);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bptt_equals_finite_differences_for_a_batch(int seed, int[] units, int steps, Activation hidden, Activation output) =>
        Check(seed, units, steps, hidden, output, windows: 9, batch: 5);

    static void Check(int seed, int[] units, int steps, Activation hidden, Activation output, int windows, int batch)
    {
        var spec = new ModelSpec(2, units, 2, hidden, output, steps);
        var rng = new Random(seed);
        var data = RandomData.Windows(rng, spec, windows);
        var engine = new ScalarEngine<double>(spec);
        engine.SetTrainingData(data);
        var order = Enumerable.Range(0, windows).OrderBy(_ => rng.Next()).ToArray();
        engine.SetOrder(order);
        int start = (windows - batch) / 2;
        var theta = RandomData.Parameters(rng, engine.Layout, scale: 0.6).Select(v => (double)v).ToArray();

        engine.SetParametersExact(theta);
        engine.Forward(start, batch);
        engine.Backward();
        var analytic = engine.GetGradientsExact();

        double Loss(double[] p)
        {
            engine.SetParametersExact(p);
            engine.TakeLossSum();
            engine.Forward(start, batch);
            return engine.TakeLossSum() / batch;
        }

        const double h = 1e-5;
        for (int i = 0; i < theta.Length; i++)
        {
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (Loss(plus) - Loss(minus)) / (2 * h);
            double error = Math.Abs(numeric - analytic[i]) / Math.Max(Math.Max(Math.Abs(numeric), Math.Abs(analytic[i])), 1e-4);
            Assert.True(error <= 1e-6,
                $"parameter {i} ({SlotName(engine.Layout, i)}): BPTT {analytic[i]:G10}, finite differences {numeric:G10}, relative error {error:G3}");
        }
    }

    static string SlotName(ParameterLayout layout, int index) => layout.Slots.Last(s => s.Offset <= index).Name;
}
