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
/// The cell step, BPTT and Adam are <see cref="FastCpuEngine"/>'s (<see cref="LaneBatch{V, L, S}"/>), with each lane's
/// own weights: every lane performs the same float32 operations, in an order that depends on the batch size only. A
/// lane never reads another lane, and spare lanes of the last chunk copy its last model, so a model's result does not
/// depend on which models share its run, nor on the vector width.
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
        chunks = [.. Enumerable.Range(0, (models + lanes - 1) / lanes).Select(c => new Chunk(this, width, c * lanes, Math.Min(lanes, models - c * lanes)))];
        HotMethods.EnsureCompiled(width, modelsInLanes: true);
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
    /// <summary>Where a model's own windows start, per model (all zero when the models share the windows).</summary>
    internal int[] Offsets { get; private set; } = [];

    public void SetTrainingData(WindowSet windows) => KeepTrainingData(windows, perModel: false);

    public void SetTrainingDataPerModel(WindowSet windows) => KeepTrainingData(windows, perModel: true);

    void KeepTrainingData(WindowSet windows, bool perModel)
    {
        Spec.EnsureFits(windows);
        X = (float[])windows.X.Clone();
        Y = (float[])windows.Y.Clone();
        WindowCount = perModel ? this.WindowsPerModel(windows) : windows.Count;
        Offsets = [.. Enumerable.Range(0, Models).Select(m => perModel ? m * WindowCount : 0)];
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
        foreach (var c in chunks) c.Predict(windows, windows.Count, perModel: false, result);
        return result;
    }

    public float[] PredictPerModel(WindowSet windows)
    {
        Spec.EnsureFits(windows);
        var result = new float[windows.Count * Spec.Outputs];
        foreach (var c in chunks) c.Predict(windows, this.WindowsPerModel(windows), perModel: true, result);
        return result;
    }

    public void Dispose() { }

    /// <summary>
    /// Up to <see cref="LanesPerVector"/> models, <see cref="First"/> … First + Count − 1, one per lane: each parameter
    /// is a vector of every lane's value, and the batch rows run through <see cref="LaneBatch"/>'s code with per-lane
    /// weights (<see cref="PerLaneWeights"/>), a block of 4 rows at a time once a batch has 4.
    /// </summary>
    sealed class Chunk
    {
        readonly ModelLanesEngine owner;
        readonly VectorWidth width;
        readonly int lanes;
        readonly TensorSlot[] kernels;
        readonly float[] w, transposed, grad, m, v;
        readonly double[] lossSums;
        LaneScratch? scratch;
        /// <summary>The batch's windows by batch row and lane, as <see cref="LaneBatch.Load"/> takes them.</summary>
        int[] windows = [];
        LaneBatch batch;
        int batchCount;

        public Chunk(ModelLanesEngine owner, VectorWidth width, int first, int count)
        {
            this.owner = owner;
            this.width = width;
            lanes = width.Lanes();
            First = first;
            Count = count;
            var layout = owner.Layout;
            kernels = LaneBatch.Kernels(layout);
            int floats = layout.Count * lanes;
            w = new float[floats];
            transposed = new float[floats];
            grad = new float[floats];
            m = new float[floats];
            v = new float[floats];
            lossSums = new double[lanes];
            batch = LaneBatch.Create(width, modelsInLanes: true, layout, owner.TimeSteps, blocks: 0, rows: 1);
        }

        public int First { get; }
        public int Count { get; }
        /// <summary>Every parameter's lanes, parameter-major.</summary>
        public float[] Weights => w;
        public float[] Gradients => grad;

        /// <summary>The model in lane <paramref name="lane"/>: spare lanes repeat the last one.</summary>
        int ModelOf(int lane) => First + Math.Min(lane, Count - 1);

        public void SetParameters(ReadOnlySpan<float> parameters)
        {
            int p = owner.Layout.Count;
            for (int i = 0; i < p; i++)
                for (int l = 0; l < lanes; l++) w[i * lanes + l] = parameters[Math.Min(l, Count - 1) * p + i];
            Array.Clear(m); Array.Clear(v); Array.Clear(grad);
        }

        /// <summary>A batch of <paramref name="rows"/> batch rows of windows of <paramref name="steps"/> steps, reused while it fits.</summary>
        LaneBatch Batch(int rows, int steps)
        {
            int perBlock = rows >= FastCpuEngine.BlockRows ? FastCpuEngine.BlockRows : 1, blocks = (rows + perBlock - 1) / perBlock;
            if (batch.Rows != perBlock || batch.Blocks < blocks || batch.Steps != steps)
            {
                batch = LaneBatch.Create(width, modelsInLanes: true, owner.Layout, steps, blocks, perBlock);
                scratch = new LaneScratch(owner.Layout, steps, FastCpuEngine.BlockRows * lanes);
            }
            return batch;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Forward(int start, int count)
        {
            var b = Batch(count, owner.TimeSteps);
            batchCount = count;
            int n = owner.WindowCount;
            if (windows.Length < count * lanes) windows = new int[count * lanes];
            for (int row = 0; row < count; row++)
                for (int l = 0; l < lanes; l++) windows[row * lanes + l] = owner.Offsets[ModelOf(l)] + owner.Orders[ModelOf(l) * n + start + row];
            for (int block = 0, used = count * lanes; block * b.BlockWindows < used; block++)
            {
                int first = block * b.BlockWindows, windowCount = Math.Min(b.BlockWindows, used - first);
                b.Load(block, owner.X, owner.Y, windows, first, windowCount);
                b.Forward(block, w);
                var losses = b.Losses;
                for (int k = 0; k < windowCount; k += lanes)
                    for (int l = 0; l < lanes; l++) lossSums[l] += losses[k + l];
            }
        }

        public void TakeLossSums(Span<double> sums)
        {
            lossSums.AsSpan(0, Count).CopyTo(sums);
            Array.Clear(lossSums);
        }

        /// <summary>Each lane's model on <paramref name="count"/> windows: the first ones of <paramref name="data"/>, or its own block when <paramref name="perModel"/>.</summary>
        public void Predict(WindowSet data, int count, bool perModel, float[] result)
        {
            var b = LaneBatch.Create(width, modelsInLanes: true, owner.Layout, data.TimeSteps, blocks: 1, rows: 1);
            int outs = owner.Layout.Outputs;
            Span<int> rows = stackalloc int[lanes];
            for (int n = 0; n < count; n++)
            {
                for (int l = 0; l < lanes; l++) rows[l] = (perModel ? ModelOf(l) * count : 0) + n;
                b.Load(0, data.X, default, rows, 0, lanes);
                b.Forward(0, w);
                for (int l = 0; l < Count; l++)
                    for (int k = 0; k < outs; k++) result[((First + l) * count + n) * outs + k] = b.Output(0, l, k);
            }
        }

        /// <summary>BPTT over the batch's blocks in order, each lane's gradient its own.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Backward()
        {
            LaneBatch.TransposeKernels(kernels, w, transposed, lanes);
            Array.Clear(grad);
            float scale = 2f / (batchCount * owner.Layout.Outputs);
            for (int block = 0; block * batch.Rows < batchCount; block++) batch.Backward(block, w, transposed, grad, scale, scratch!);
        }

        /// <summary>Adam with each lane's own step size (spare lanes take the last model's).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Adam(ReadOnlySpan<AdamStep> steps)
        {
            Span<float> alphas = stackalloc float[lanes];
            for (int l = 0; l < lanes; l++) alphas[l] = steps[Math.Min(l, Count - 1)].Alpha;
            batch.Adam(w, grad, m, v, steps[0], alphas);
        }
    }
}
