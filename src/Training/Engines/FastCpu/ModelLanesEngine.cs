using System.Numerics;
using System.Runtime.CompilerServices;
using GpuRnn.Kernels;
using GpuRnn.Training.Data;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>
/// The SIMD engine for M models of one SimpleRNN layer: each lane of <see cref="Vector{T}"/> holds a different
/// model (its own weights, Adam moments, epoch order and step size), so one pass of vector arithmetic advances
/// <see cref="Lanes"/> models. Models are cut into chunks of that many; a fused epoch runs the chunks on every core.
/// Where <see cref="FastCpuEngine"/> fills its lanes with the windows of a batch, this fills them with models, which
/// is what a batch of one (the tutorial's, and a sweep's default) leaves empty.
/// </summary>
/// <remarks>
/// Every lane performs the float32 operations of <c>ScalarEngine&lt;float&gt;</c> in the same order (vector add and
/// multiply are lane-wise IEEE operations); only tanh and sigmoid differ (<see cref="LaneActivations"/>, within a
/// few ulp of MathF's). A lane never reads another lane, and spare lanes of the last chunk copy its last model, so a
/// model's result does not depend on which models share its run.
/// </remarks>
public sealed class ModelLanesEngine : IEpochEngine
{
    public static int Lanes => Vector<float>.Count;

    readonly Chunk[] chunks;
    int[] orders = [];

    public ModelLanesEngine(ModelSpec spec, int models)
    {
        Spec = spec.Validated();
        if (spec.Layers != 1) throw new ArgumentException("models in lanes take one SimpleRNN layer; stacked models train on separate engines");
        if (models < 1) throw new ArgumentOutOfRangeException(nameof(models));
        Layout = spec.Layout();
        Models = models;
        chunks = [.. Enumerable.Range(0, (models + Lanes - 1) / Lanes).Select(c => new Chunk(this, c * Lanes, Math.Min(Lanes, models - c * Lanes)))];
        HotMethods.EnsureCompiled();
    }

    public string Name => EngineNames.Of(EngineKind.Simd);
    public ModelSpec Spec { get; }
    public ParameterLayout Layout { get; }
    public int Models { get; }

    internal float[] X { get; private set; } = [];
    internal float[] Y { get; private set; } = [];
    internal int WindowCount { get; private set; }
    /// <summary>Steps of the training windows.</summary>
    internal int TimeSteps { get; private set; }
    internal int[] Orders => orders;

    public void SetTrainingData(WindowSet windows)
    {
        Spec.EnsureFits(windows);
        X = (float[])windows.X.Clone();
        Y = (float[])windows.Y.Clone();
        WindowCount = windows.Count;
        TimeSteps = windows.TimeSteps;
        orders = new int[Models * WindowCount];
        for (int m = 0; m < Models; m++)
            for (int i = 0; i < WindowCount; i++) orders[m * WindowCount + i] = i;
    }

    public void SetParameters(ReadOnlySpan<float> parameters)
    {
        int p = Layout.Count;
        if (parameters.Length != Models * p) throw new ArgumentException($"expected {Models} × {p} parameters, got {parameters.Length}");
        foreach (var c in chunks) c.SetParameters(parameters.Slice(c.First * p, c.Count * p));
    }

    public float[] GetParameters() => Gather(c => c.Weights);

    public float[] GetGradients() => Gather(c => c.Gradients);

    float[] Gather(Func<Chunk, Vector<float>[]> rows)
    {
        int p = Layout.Count;
        var result = new float[Models * p];
        foreach (var c in chunks)
        {
            var values = rows(c);
            for (int l = 0; l < c.Count; l++)
                for (int i = 0; i < p; i++) result[(c.First + l) * p + i] = values[i][l];
        }
        return result;
    }

    public void SetOrder(ReadOnlySpan<int> newOrders)
    {
        if (newOrders.Length != Models * WindowCount) throw new ArgumentException("the orders must cover every training window of every model");
        newOrders.CopyTo(orders);
    }

    public void Forward(int start, int count)
    {
        if (start < 0 || count < 1 || start + count > WindowCount) throw new ArgumentOutOfRangeException(nameof(count));
        foreach (var c in chunks) c.Forward(start, count);
    }

    public void Backward() { foreach (var c in chunks) c.Backward(); }

    public void ApplyAdam(ReadOnlySpan<AdamStep> steps)
    {
        if (steps.Length != Models) throw new ArgumentException($"expected {Models} Adam steps, got {steps.Length}");
        foreach (var c in chunks) c.Adam(steps.Slice(c.First, c.Count));
    }

    public double[] TakeLossSums()
    {
        var sums = new double[Models];
        foreach (var c in chunks) c.TakeLossSums(sums.AsSpan(c.First, c.Count));
        return sums;
    }

    public bool CanTrainEpoch(int batchSize) => true;

    /// <summary>The per-batch loop, but each chunk runs its whole epoch on its own core: no synchronisation per batch.</summary>
    public void TrainEpoch(int batchSize, ReadOnlySpan<AdamStep> steps)
    {
        int batches = (WindowCount + batchSize - 1) / batchSize;
        if (steps.Length != batches * Models) throw new ArgumentException($"expected {batches} × {Models} Adam steps, got {steps.Length}");
        var all = steps.ToArray();
        Parallel.ForEach(chunks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, c =>
        {
            for (int b = 0; b < batches; b++)
            {
                int start = b * batchSize;
                c.Forward(start, Math.Min(batchSize, WindowCount - start));
                c.Backward();
                c.Adam(all.AsSpan(b * Models + c.First, c.Count));
            }
        });
    }

    public float[] Predict(WindowSet windows)
    {
        Spec.EnsureFits(windows);
        var result = new float[Models * windows.Count * Spec.Outputs];
        foreach (var c in chunks) c.Predict(windows, result);
        return result;
    }

    public void Dispose() { }

    /// <summary>Up to <see cref="Lanes"/> models, <see cref="First"/> … First + Count − 1, one per lane.</summary>
    sealed class Chunk
    {
        readonly ModelLanesEngine owner;
        readonly ParameterLayout layout;
        readonly int units, inputs, outs;
        readonly Vector<float>[] w, grad, m, v, dOut, dhNext, da;
        /// <summary>Steps of the windows the batch rows below are laid out for: the training windows', or Predict's.</summary>
        int steps;
        Vector<float>[] x = [], y = [], h = [], o = [];
        Vector<float> lossSum;
        int batchCount;

        public Chunk(ModelLanesEngine owner, int first, int count)
        {
            this.owner = owner;
            First = first;
            Count = count;
            layout = owner.Layout;
            units = layout.Units[0]; inputs = layout.Features; outs = layout.Outputs;
            w = new Vector<float>[layout.Count];
            grad = new Vector<float>[layout.Count];
            m = new Vector<float>[layout.Count];
            v = new Vector<float>[layout.Count];
            dOut = new Vector<float>[units];
            dhNext = new Vector<float>[units];
            da = new Vector<float>[units];
        }

        public int First { get; }
        public int Count { get; }
        public Vector<float>[] Weights => w;
        public Vector<float>[] Gradients => grad;

        /// <summary>The model in lane <paramref name="lane"/>: spare lanes repeat the last one.</summary>
        int ModelOf(int lane) => First + Math.Min(lane, Count - 1);

        public void SetParameters(ReadOnlySpan<float> parameters)
        {
            int p = layout.Count;
            Span<float> lanes = stackalloc float[Lanes];
            for (int i = 0; i < p; i++)
            {
                for (int l = 0; l < Lanes; l++) lanes[l] = parameters[Math.Min(l, Count - 1) * p + i];
                w[i] = new Vector<float>(lanes);
            }
            Array.Clear(m); Array.Clear(v); Array.Clear(grad);
        }

        public void Forward(int start, int count)
        {
            Span<int> windows = stackalloc int[Lanes];
            EnsureBatch(count, owner.TimeSteps);
            batchCount = count;
            int n = owner.WindowCount;
            for (int b = 0; b < count; b++)
            {
                for (int l = 0; l < Lanes; l++) windows[l] = owner.Orders[ModelOf(l) * n + start + b];
                Load(b, owner.X, owner.Y, windows);
                ForwardWindow(b);
                var squared = Vector<float>.Zero;
                for (int k = 0; k < outs; k++)
                {
                    var e = o[b * outs + k] - y[b * outs + k];
                    squared += e * e;
                }
                lossSum += squared / new Vector<float>(outs);
            }
        }

        public void TakeLossSums(Span<double> sums)
        {
            for (int l = 0; l < Count; l++) sums[l] = lossSum[l];
            lossSum = Vector<float>.Zero;
        }

        public void Predict(WindowSet windows, float[] result)
        {
            Span<int> same = stackalloc int[Lanes];
            EnsureBatch(1, windows.TimeSteps);
            int count = windows.Count;
            for (int n = 0; n < count; n++)
            {
                same.Fill(n);
                Load(0, windows.X, null, same);
                ForwardWindow(0);
                for (int l = 0; l < Count; l++)
                    for (int k = 0; k < outs; k++) result[((First + l) * count + n) * outs + k] = o[k][l];
            }
        }

        void EnsureBatch(int count, int timeSteps)
        {
            if (timeSteps == steps && x.Length >= count * steps * inputs) return;
            steps = timeSteps;
            x = new Vector<float>[count * steps * inputs];
            y = new Vector<float>[count * outs];
            h = new Vector<float>[count * (steps + 1) * units];
            o = new Vector<float>[count * outs];
        }

        /// <summary>Batch row <paramref name="b"/> of each lane from that lane's window.</summary>
        void Load(int b, float[] data, float[]? targets, ReadOnlySpan<int> windows)
        {
            int windowLength = steps * inputs;
            Span<float> lanes = stackalloc float[Lanes];
            for (int i = 0; i < windowLength; i++)
            {
                for (int l = 0; l < Lanes; l++) lanes[l] = data[windows[l] * windowLength + i];
                x[b * windowLength + i] = new Vector<float>(lanes);
            }
            if (targets is null) return;
            for (int k = 0; k < outs; k++)
            {
                for (int l = 0; l < Lanes; l++) lanes[l] = targets[windows[l] * outs + k];
                y[b * outs + k] = new Vector<float>(lanes);
            }
        }

        /// <summary>ScalarEngine.ForwardWindow, lane-wise, for batch row <paramref name="b"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void ForwardWindow(int b)
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
                    h[hBase + (t + 1) * units + j] = LaneActivations.Apply(a, layout.HiddenActivation);
                }
            for (int k = 0; k < outs; k++)
            {
                var z = w[layout.DenseBias.At(0, k)];
                for (int j = 0; j < units; j++) z += h[hBase + steps * units + j] * w[layout.DenseKernel.At(j, k)];
                o[b * outs + k] = LaneActivations.Apply(z, layout.OutputActivation);
            }
        }

        /// <summary>ScalarEngine.Backward, lane-wise, over the batch's rows in order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Backward()
        {
            Array.Clear(grad);
            var scale = new Vector<float>(2f / (batchCount * outs));
            var kernel = layout.Kernel[0];
            var recurrent = layout.RecurrentKernel[0];
            var bias = layout.Bias[0];
            for (int b = 0; b < batchCount; b++)
            {
                int hBase = b * (steps + 1) * units, xBase = b * steps * inputs;
                Array.Clear(dOut); // the head reaches only the last step; earlier steps add this cleared row, as the scalar engine adds its zeros
                for (int k = 0; k < outs; k++)
                {
                    var ok = o[b * outs + k];
                    var dz = scale * (ok - y[b * outs + k]) * LaneActivations.Derivative(ok, layout.OutputActivation);
                    grad[layout.DenseBias.At(0, k)] += dz;
                    for (int j = 0; j < units; j++)
                    {
                        grad[layout.DenseKernel.At(j, k)] += h[hBase + steps * units + j] * dz;
                        dOut[j] += dz * w[layout.DenseKernel.At(j, k)];
                    }
                }
                Array.Clear(dhNext);
                for (int t = steps - 1; t >= 0; t--)
                {
                    for (int j = 0; j < units; j++)
                    {
                        var arriving = t == steps - 1 ? dOut[j] : Vector<float>.Zero;
                        da[j] = (arriving + dhNext[j]) * LaneActivations.Derivative(h[hBase + (t + 1) * units + j], layout.HiddenActivation);
                    }
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

        /// <summary>ScalarEngine.ApplyAdam with each lane's own step size (spare lanes take the last model's).</summary>
        public void Adam(ReadOnlySpan<AdamStep> steps)
        {
            Span<float> alphas = stackalloc float[Lanes];
            for (int l = 0; l < Lanes; l++) alphas[l] = steps[Math.Min(l, Count - 1)].Alpha;
            var alpha = new Vector<float>(alphas);
            var oneMinusBeta1 = new Vector<float>(1f - steps[0].Beta1);
            var oneMinusBeta2 = new Vector<float>(1f - steps[0].Beta2);
            var epsilon = new Vector<float>(steps[0].Epsilon);
            for (int i = 0; i < w.Length; i++)
            {
                var g = grad[i];
                m[i] += (g - m[i]) * oneMinusBeta1;
                v[i] += (g * g - v[i]) * oneMinusBeta2;
                w[i] -= alpha * m[i] / (Vector.SquareRoot(v[i]) + epsilon);
            }
        }
    }
}
