using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using GpuRnn.Kernels;
using GpuRnn.Training.Data;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>
/// The SIMD engine for M models of one SimpleRNN layer: each lane of a vector holds a different model (its own
/// weights, Adam moments, epoch order and step size), so one pass of vector arithmetic advances
/// <see cref="LanesPerVector"/> models. Models are cut into chunks of that many; a fused epoch runs the chunks on
/// every core. The vectors are the narrowest that give every core a chunk (<see cref="WidthFor"/>).
/// Where <see cref="FastCpuEngine"/> fills its lanes with the windows of a batch, this fills them with models, which
/// is what a batch of one (the tutorial's, and a sweep's default) leaves empty.
/// </summary>
/// <remarks>
/// Every lane performs the float32 operations of <c>ScalarEngine&lt;float&gt;</c> in the same order (vector add and
/// multiply are lane-wise IEEE operations); only tanh and sigmoid differ (<see cref="LaneActivations{V, L}"/>, within a
/// few ulp of MathF's). A lane never reads another lane, and spare lanes of the last chunk copy its last model, so a
/// model's result does not depend on which models share its run.
/// </remarks>
public sealed class ModelLanesEngine : IEpochEngine
{
    /// <summary>The most models one vector holds: its lanes at the widest width this CPU runs (<see cref="LanesPerVector"/> says how many one engine puts in each).</summary>
    public static int Lanes => VectorWidths.Widest.Lanes();

    readonly Chunk[] chunks;
    int[] orders = [];

    public ModelLanesEngine(ModelSpec spec, int models) : this(spec, models, WidthFor(models, Environment.ProcessorCount)) { }

    /// <summary>An engine on vectors of <paramref name="width"/>: the tests run the narrower widths too.</summary>
    internal ModelLanesEngine(ModelSpec spec, int models, VectorWidth width)
    {
        Spec = spec.Validated();
        if (spec.Layers != 1) throw new ArgumentException("models in lanes take one SimpleRNN layer; stacked models train on separate engines");
        if (models < 1) throw new ArgumentOutOfRangeException(nameof(models));
        Layout = spec.Layout();
        Models = models;
        int lanes = LanesPerVector = width.Lanes();
        chunks = width.With(new Chunks(this, lanes));
        HotMethods.EnsureCompiled(width);
    }

    /// <summary>The engine's models, <paramref name="Lanes"/> to a chunk.</summary>
    sealed record Chunks(ModelLanesEngine Owner, int Lanes) : IWidthGeneric<Chunk[]>
    {
        public Chunk[] Invoke<V, L>() where V : unmanaged where L : IVectorLanes<V> =>
            [.. Enumerable.Range(0, (Owner.Models + Lanes - 1) / Lanes).Select(c => new Chunk<V, L>(Owner, c * Lanes, Math.Min(Lanes, Owner.Models - c * Lanes)))];
    }

    /// <summary>Models per vector (spare lanes of the last chunk repeat its last model).</summary>
    public int LanesPerVector { get; }

    /// <summary>
    /// The narrowest vectors that hold the models in as many chunks as there are cores (fewer chunks, wider vectors,
    /// only past the widest): a small model's step is a chain of dependent operations, as slow on 16 lanes as on 4,
    /// so two chunks on two cores beat one chunk of twice the lanes, and empty lanes are not free either. A model's
    /// result is the same at every width (lanes never mix), so only the speed depends on this.
    /// </summary>
    internal static VectorWidth WidthFor(int models, int cores)
    {
        int chunks = Math.Min(cores, (models + VectorWidth.Bits128.Lanes() - 1) / VectorWidth.Bits128.Lanes());
        int lanes = (models + chunks - 1) / chunks;
        var width = VectorWidth.Bits128;
        while (width < VectorWidths.Widest && width.Lanes() < lanes) width = (VectorWidth)((int)width * 2);
        return width;
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

    float[] Gather(Func<Chunk, float[]> rows)
    {
        int p = Layout.Count;
        var result = new float[Models * p];
        foreach (var c in chunks)
        {
            var values = rows(c);
            for (int l = 0; l < c.Count; l++)
                for (int i = 0; i < p; i++) result[(c.First + l) * p + i] = values[i * LanesPerVector + l];
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

    /// <summary>Up to <see cref="LanesPerVector"/> models, <see cref="First"/> … First + Count − 1, one per lane.</summary>
    abstract class Chunk
    {
        public abstract int First { get; }
        public abstract int Count { get; }
        /// <summary>Every parameter's lanes, parameter-major.</summary>
        public abstract float[] Weights { get; }
        public abstract float[] Gradients { get; }
        public abstract void SetParameters(ReadOnlySpan<float> parameters);
        public abstract void Forward(int start, int count);
        public abstract void TakeLossSums(Span<double> sums);
        public abstract void Predict(WindowSet windows, float[] result);
        public abstract void Backward();
        public abstract void Adam(ReadOnlySpan<AdamStep> steps);
    }

    sealed class Chunk<V, L> : Chunk where V : unmanaged where L : IVectorLanes<V>
    {
        static int Lanes => L.Count;
        readonly ModelLanesEngine owner;
        readonly ParameterLayout layout;
        readonly int units, inputs, outs;
        readonly V[] w, grad, m, v, dOut, dhNext, da;
        /// <summary>Steps of the windows the batch rows below are laid out for: the training windows', or Predict's.</summary>
        int steps;
        V[] x = [], y = [], h = [], o = [];
        V lossSum;
        int batchCount;

        public Chunk(ModelLanesEngine owner, int first, int count)
        {
            this.owner = owner;
            First = first;
            Count = count;
            layout = owner.Layout;
            units = layout.Units[0]; inputs = layout.Features; outs = layout.Outputs;
            w = new V[layout.Count];
            grad = new V[layout.Count];
            m = new V[layout.Count];
            v = new V[layout.Count];
            dOut = new V[units];
            dhNext = new V[units];
            da = new V[units];
        }

        public override int First { get; }
        public override int Count { get; }
        public override float[] Weights => MemoryMarshal.Cast<V, float>(w).ToArray();
        public override float[] Gradients => MemoryMarshal.Cast<V, float>(grad).ToArray();

        /// <summary>The model in lane <paramref name="lane"/>: spare lanes repeat the last one.</summary>
        int ModelOf(int lane) => First + Math.Min(lane, Count - 1);

        public override void SetParameters(ReadOnlySpan<float> parameters)
        {
            int p = layout.Count;
            Span<float> lanes = stackalloc float[Lanes];
            for (int i = 0; i < p; i++)
            {
                for (int l = 0; l < Lanes; l++) lanes[l] = parameters[Math.Min(l, Count - 1) * p + i];
                w[i] = L.Create(lanes);
            }
            Array.Clear(m); Array.Clear(v); Array.Clear(grad);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Forward(int start, int count)
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
                var squared = L.Zero;
                for (int k = 0; k < outs; k++)
                {
                    var e = L.Subtract(o[b * outs + k], y[b * outs + k]);
                    squared = L.Add(squared, L.Multiply(e, e));
                }
                lossSum = L.Add(lossSum, L.Divide(squared, L.Broadcast(outs)));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void TakeLossSums(Span<double> sums)
        {
            for (int l = 0; l < Count; l++) sums[l] = L.Lane(lossSum, l);
            lossSum = L.Zero;
        }

        public override void Predict(WindowSet windows, float[] result)
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
                    for (int k = 0; k < outs; k++) result[((First + l) * count + n) * outs + k] = L.Lane(o[k], l);
            }
        }

        void EnsureBatch(int count, int timeSteps)
        {
            if (timeSteps == steps && x.Length >= count * steps * inputs) return;
            steps = timeSteps;
            x = new V[count * steps * inputs];
            y = new V[count * outs];
            h = new V[count * (steps + 1) * units];
            o = new V[count * outs];
        }

        /// <summary>Batch row <paramref name="b"/> of each lane from that lane's window.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Load(int b, float[] data, float[]? targets, ReadOnlySpan<int> windows)
        {
            int windowLength = steps * inputs;
            Span<float> lanes = stackalloc float[Lanes];
            for (int i = 0; i < windowLength; i++)
            {
                for (int l = 0; l < Lanes; l++) lanes[l] = data[windows[l] * windowLength + i];
                x[b * windowLength + i] = L.Create(lanes);
            }
            if (targets is null) return;
            for (int k = 0; k < outs; k++)
            {
                for (int l = 0; l < Lanes; l++) lanes[l] = targets[windows[l] * outs + k];
                y[b * outs + k] = L.Create(lanes);
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
            for (int j = 0; j < units; j++) h[hBase + j] = L.Zero;
            for (int t = 0; t < steps; t++)
                for (int j = 0; j < units; j++)
                {
                    var a = w[bias.At(0, j)];
                    for (int i = 0; i < inputs; i++) a = L.Add(a, L.Multiply(x[xBase + t * inputs + i], w[kernel.At(i, j)]));
                    for (int i = 0; i < units; i++) a = L.Add(a, L.Multiply(h[hBase + t * units + i], w[recurrent.At(i, j)]));
                    h[hBase + (t + 1) * units + j] = LaneActivations<V, L>.Apply(a, layout.HiddenActivation);
                }
            for (int k = 0; k < outs; k++)
            {
                var z = w[layout.DenseBias.At(0, k)];
                for (int j = 0; j < units; j++) z = L.Add(z, L.Multiply(h[hBase + steps * units + j], w[layout.DenseKernel.At(j, k)]));
                o[b * outs + k] = LaneActivations<V, L>.Apply(z, layout.OutputActivation);
            }
        }

        /// <summary>ScalarEngine.Backward, lane-wise, over the batch's rows in order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Backward()
        {
            Array.Clear(grad);
            var scale = L.Broadcast(2f / (batchCount * outs));
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
                    var dz = L.Multiply(L.Multiply(scale, L.Subtract(ok, y[b * outs + k])), LaneActivations<V, L>.Derivative(ok, layout.OutputActivation));
                    Accumulate(ref grad[layout.DenseBias.At(0, k)], dz);
                    for (int j = 0; j < units; j++)
                    {
                        Accumulate(ref grad[layout.DenseKernel.At(j, k)], L.Multiply(h[hBase + steps * units + j], dz));
                        Accumulate(ref dOut[j], L.Multiply(dz, w[layout.DenseKernel.At(j, k)]));
                    }
                }
                Array.Clear(dhNext);
                for (int t = steps - 1; t >= 0; t--)
                {
                    for (int j = 0; j < units; j++)
                    {
                        var arriving = t == steps - 1 ? dOut[j] : L.Zero;
                        da[j] = L.Multiply(L.Add(arriving, dhNext[j]), LaneActivations<V, L>.Derivative(h[hBase + (t + 1) * units + j], layout.HiddenActivation));
                    }
                    for (int j = 0; j < units; j++)
                    {
                        Accumulate(ref grad[bias.At(0, j)], da[j]);
                        for (int i = 0; i < inputs; i++) Accumulate(ref grad[kernel.At(i, j)], L.Multiply(x[xBase + t * inputs + i], da[j]));
                        for (int i = 0; i < units; i++) Accumulate(ref grad[recurrent.At(i, j)], L.Multiply(h[hBase + t * units + i], da[j]));
                    }
                    for (int i = 0; i < units; i++)
                    {
                        var sum = L.Zero;
                        for (int j = 0; j < units; j++) sum = L.Add(sum, L.Multiply(w[recurrent.At(i, j)], da[j]));
                        dhNext[i] = sum;
                    }
                }
            }
        }

        /// <summary>ScalarEngine.ApplyAdam with each lane's own step size (spare lanes take the last model's).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Adam(ReadOnlySpan<AdamStep> steps)
        {
            Span<float> alphas = stackalloc float[Lanes];
            for (int l = 0; l < Lanes; l++) alphas[l] = steps[Math.Min(l, Count - 1)].Alpha;
            var alpha = L.Create(alphas);
            var oneMinusBeta1 = L.Broadcast(1f - steps[0].Beta1);
            var oneMinusBeta2 = L.Broadcast(1f - steps[0].Beta2);
            var epsilon = L.Broadcast(steps[0].Epsilon);
            for (int i = 0; i < w.Length; i++)
            {
                var g = grad[i];
                m[i] = L.Add(m[i], L.Multiply(L.Subtract(g, m[i]), oneMinusBeta1));
                v[i] = L.Add(v[i], L.Multiply(L.Subtract(L.Multiply(g, g), v[i]), oneMinusBeta2));
                w[i] = L.Subtract(w[i], L.Divide(L.Multiply(alpha, m[i]), L.Add(L.Sqrt(v[i]), epsilon)));
            }
        }

        static void Accumulate(ref V sum, V term) => sum = L.Add(sum, term);
    }
}
