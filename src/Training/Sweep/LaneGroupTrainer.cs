using System.Numerics;
using System.Runtime.CompilerServices;
using GpuRnn.Training.Data;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Sweep;

/// <summary>
/// Many models in one instruction stream: each SIMD lane of <see cref="Vector{T}"/> holds a different model of the
/// group (its own weights, Adam moments, shuffle and learning rate), so one pass of vector arithmetic advances
/// <see cref="Lanes"/> models. Chunks of that many models run on every core. With <c>together: false</c> the same
/// code trains one model at a time (one lane used): the baseline that shows what training at once buys.
/// </summary>
/// <remarks>
/// Every lane performs the float32 operations of <c>ScalarEngine&lt;float&gt;</c> in the same order (vector add and
/// multiply are lane-wise IEEE operations); only tanh and sigmoid differ, computed here from a vector exp (within a
/// few ulp of MathF's), so models agree with the scalar engine closely but not bit for bit. A lane never reads
/// another lane, so a model's result does not depend on which models share its vector. One SimpleRNN layer only.
/// </remarks>
public sealed class LaneGroupTrainer(bool together = true) : IGroupTrainer
{
    public static int Lanes => Vector<float>.Count;

    public string Name => together
        ? $"lanes engine: {Lanes} models per SIMD vector on {Environment.ProcessorCount} core(s)"
        : "lanes engine, one model at a time";

    /// <summary>Together, groups run side by side on the cores (a group of up to 8 models fills only one).</summary>
    public bool TrainsGroupsConcurrently => together;

    public IReadOnlyList<float[]> Train(ModelSpec spec, WindowSet train, IReadOnlyList<GroupMember> members, TrainingOptions common)
    {
        if (spec.Layers != 1) throw new GpuRnnInputException("the lane trainer trains one SimpleRNN layer; stacked models train one at a time");
        common.Validated();
        if (!together) return [.. members.Select(member => new LaneModels(spec, train, [member], common).Fit()[0])];
        var result = new float[members.Count][];
        int chunks = (members.Count + Lanes - 1) / Lanes;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, c =>
        {
            var chunk = members.Skip(c * Lanes).Take(Lanes).ToArray();
            var trained = new LaneModels(spec, train, chunk, common).Fit();
            for (int i = 0; i < chunk.Length; i++) result[c * Lanes + i] = trained[i];
        });
        return result;
    }

    /// <summary>Up to <see cref="Lanes"/> models of one spec, trained together.</summary>
    sealed class LaneModels
    {
        readonly ModelSpec spec;
        readonly ParameterLayout layout;
        readonly WindowSet train;
        readonly GroupMember[] members;
        readonly TrainingOptions options;
        readonly int steps, units, inputs, outs;
        readonly Vector<float>[] w, grad, m, v;
        Vector<float>[] x = [], y = [], h = [], o = [];
        readonly Vector<float>[] dOut, dhNext, da;

        public LaneModels(ModelSpec spec, WindowSet train, GroupMember[] members, TrainingOptions options)
        {
            this.spec = spec; this.train = train; this.members = members; this.options = options;
            layout = new ParameterLayout(spec);
            steps = spec.TimeSteps; units = spec.Units[0]; inputs = spec.Features; outs = spec.Outputs;
            w = new Vector<float>[layout.Count];
            grad = new Vector<float>[layout.Count];
            m = new Vector<float>[layout.Count];
            v = new Vector<float>[layout.Count];
            dOut = new Vector<float>[steps * units];
            dhNext = new Vector<float>[units];
            da = new Vector<float>[units];
            Span<float> lanes = stackalloc float[Lanes];
            var initial = members.Select(mb => Initializers.KerasDefaults(layout, mb.Seed)).ToArray();
            for (int p = 0; p < w.Length; p++)
            {
                for (int l = 0; l < Lanes; l++) lanes[l] = initial[Math.Min(l, members.Length - 1)][p]; // spare lanes copy the last model
                w[p] = new Vector<float>(lanes);
            }
        }

        public float[][] Fit()
        {
            int n = train.Count;
            var schedules = members.Select(mb => new ShuffleSchedule(mb.Seed, n, options.Shuffle)).ToArray();
            var orders = new int[Lanes][];
            int iteration = 0;
            Span<float> alphas = stackalloc float[Lanes];
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                for (int l = 0; l < Lanes; l++) orders[l] = l < members.Length ? schedules[l].Next() : orders[members.Length - 1];
                for (int start = 0; start < n; start += options.BatchSize)
                {
                    int count = Math.Min(options.BatchSize, n - start);
                    Gather(orders, start, count);
                    for (int b = 0; b < count; b++) Forward(b);
                    Backward(count);
                    iteration++;
                    var step = options.Adam.StepFor(iteration);
                    for (int l = 0; l < Lanes; l++)
                        alphas[l] = options.Adam.StepFor(members[Math.Min(l, members.Length - 1)].LearningRate, iteration).Alpha;
                    Adam(new Vector<float>(alphas), step);
                }
            }
            return [.. Enumerable.Range(0, members.Length).Select(l => w.Select(p => p[l]).ToArray())];
        }

        /// <summary>Copies each lane's windows of this batch into lane-interleaved vectors.</summary>
        void Gather(int[][] orders, int start, int count)
        {
            int windowLength = steps * inputs;
            if (x.Length < count * windowLength)
            {
                x = new Vector<float>[count * windowLength];
                y = new Vector<float>[count * outs];
                h = new Vector<float>[count * (steps + 1) * units];
                o = new Vector<float>[count * outs];
            }
            Span<float> lanes = stackalloc float[Lanes];
            for (int b = 0; b < count; b++)
            {
                for (int i = 0; i < windowLength; i++)
                {
                    for (int l = 0; l < Lanes; l++) lanes[l] = train.X[orders[l][start + b] * windowLength + i];
                    x[b * windowLength + i] = new Vector<float>(lanes);
                }
                for (int k = 0; k < outs; k++)
                {
                    for (int l = 0; l < Lanes; l++) lanes[l] = train.Y[orders[l][start + b] * outs + k];
                    y[b * outs + k] = new Vector<float>(lanes);
                }
            }
        }

        /// <summary>ScalarEngine.ForwardWindow, lane-wise, for window <paramref name="b"/> of the batch.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Forward(int b)
        {
            var kernel = layout.Kernel[0];
            var recurrent = layout.RecurrentKernel[0];
            var bias = layout.Bias[0];
            int hBase = b * (steps + 1) * units, xBase = b * steps * inputs;
            for (int j = 0; j < units; j++) h[hBase + j] = Vector<float>.Zero;
            for (int t = 0; t < steps; t++)
                for (int j = 0; j < units; j++)
                {
                    var a = w[bias.At(0, j)];
                    for (int i = 0; i < inputs; i++) a += x[xBase + t * inputs + i] * w[kernel.At(i, j)];
                    for (int i = 0; i < units; i++) a += h[hBase + t * units + i] * w[recurrent.At(i, j)];
                    h[hBase + (t + 1) * units + j] = Activate(a, spec.HiddenActivation);
                }
            for (int k = 0; k < outs; k++)
            {
                var z = w[layout.DenseBias.At(0, k)];
                for (int j = 0; j < units; j++) z += h[hBase + steps * units + j] * w[layout.DenseKernel.At(j, k)];
                o[b * outs + k] = Activate(z, spec.OutputActivation);
            }
        }

        /// <summary>ScalarEngine.Backward, lane-wise, over the batch's windows in order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Backward(int count)
        {
            Array.Clear(grad);
            var scale = new Vector<float>(2f / (count * outs));
            var kernel = layout.Kernel[0];
            var recurrent = layout.RecurrentKernel[0];
            var bias = layout.Bias[0];
            for (int b = 0; b < count; b++)
            {
                int hBase = b * (steps + 1) * units, xBase = b * steps * inputs;
                Array.Clear(dOut);
                for (int k = 0; k < outs; k++)
                {
                    var ok = o[b * outs + k];
                    var dz = scale * (ok - y[b * outs + k]) * Derivative(ok, spec.OutputActivation);
                    grad[layout.DenseBias.At(0, k)] += dz;
                    for (int j = 0; j < units; j++)
                    {
                        grad[layout.DenseKernel.At(j, k)] += h[hBase + steps * units + j] * dz;
                        dOut[(steps - 1) * units + j] += dz * w[layout.DenseKernel.At(j, k)];
                    }
                }
                Array.Clear(dhNext);
                for (int t = steps - 1; t >= 0; t--)
                {
                    for (int j = 0; j < units; j++)
                        da[j] = (dOut[t * units + j] + dhNext[j]) * Derivative(h[hBase + (t + 1) * units + j], spec.HiddenActivation);
                    for (int j = 0; j < units; j++)
                    {
                        grad[bias.At(0, j)] += da[j];
                        for (int i = 0; i < inputs; i++) grad[kernel.At(i, j)] += x[xBase + t * inputs + i] * da[j];
                        for (int i = 0; i < units; i++) grad[recurrent.At(i, j)] += h[hBase + t * units + i] * da[j];
                    }
                    for (int i = 0; i < units; i++)
                    {
                        var sum = Vector<float>.Zero;
                        for (int j = 0; j < units; j++) sum += w[recurrent.At(i, j)] * da[j];
                        dhNext[i] = sum;
                    }
                }
            }
        }

        /// <summary>ScalarEngine.ApplyAdam with a step size per lane (each model has its own learning rate).</summary>
        void Adam(Vector<float> alpha, Engines.AdamStep step)
        {
            var one = Vector<float>.One;
            var beta1 = new Vector<float>(step.Beta1);
            var beta2 = new Vector<float>(step.Beta2);
            var epsilon = new Vector<float>(step.Epsilon);
            for (int i = 0; i < w.Length; i++)
            {
                var g = grad[i];
                m[i] += (g - m[i]) * (one - beta1);
                v[i] += (g * g - v[i]) * (one - beta2);
                w[i] -= alpha * m[i] / (Vector.SquareRoot(v[i]) + epsilon);
            }
        }

        static Vector<float> Activate(Vector<float> a, Activation f) => f switch
        {
            Activation.Linear => a,
            Activation.Tanh => Tanh(a),
            Activation.Relu => Vector.ConditionalSelect(Vector.GreaterThan(a, Vector<float>.Zero), a, Vector<float>.Zero),
            _ => Vector<float>.One / (Vector<float>.One + Vector.Exp(-a)),
        };

        /// <summary>
        /// tanh from one vector exp: 1 − 2/(e^{2|a|} + 1) with a's sign; below |a| = 0.3, where that form loses
        /// digits to cancellation, its Taylor series to a⁹ (truncation below 1e-7 relative there).
        /// </summary>
        static Vector<float> Tanh(Vector<float> a)
        {
            var one = Vector<float>.One;
            var abs = Vector.Abs(a);
            var tanhAbs = one - new Vector<float>(2f) / (Vector.Exp(abs + abs) + one);
            var far = Vector.ConditionalSelect(Vector.LessThan(a, Vector<float>.Zero), -tanhAbs, tanhAbs);
            var a2 = a * a;
            var series = a * (one + a2 * (new Vector<float>(-1f / 3) + a2 * (new Vector<float>(2f / 15) + a2 * (new Vector<float>(-17f / 315) + a2 * new Vector<float>(62f / 2835)))));
            return Vector.ConditionalSelect(Vector.LessThan(abs, new Vector<float>(0.3f)), series, far);
        }

        static Vector<float> Derivative(Vector<float> y, Activation f) => f switch
        {
            Activation.Linear => Vector<float>.One,
            Activation.Tanh => Vector<float>.One - y * y,
            Activation.Relu => Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero),
            _ => y * (Vector<float>.One - y),
        };
    }
}
