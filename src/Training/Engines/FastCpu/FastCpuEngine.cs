using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GpuRnn.Kernels;
using GpuRnn.Training.Data;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>
/// The fast CPU engine, float32. Windows run in SIMD lanes, a block of <see cref="LaneBatch.BlockWindows"/> at a time
/// (see <see cref="LaneBatch"/>: 4 vectors per block, or 1 for a batch that fits in one), on the widest vectors the CPU
/// has (<see cref="VectorWidths.Widest"/>), or the narrowest that hold a smaller batch (<see cref="BatchWidth"/>); a
/// batch is cut into chunks of <see cref="ChunkVectors"/> vectors of windows, and chunks run in parallel. Each chunk
/// sums its own gradient and loss, and the chunks are then added in chunk order: the chunking depends only on the
/// batch size and the vector width, never on the thread count or timing, so results are bit-identical run to run.
/// Small batches (the tutorial's batch of one) run on the calling thread with no threading at all.
/// All buffers are allocated on the first batch of a given size; a training step allocates nothing.
/// </summary>
public sealed class FastCpuEngine : IRnnEngine
{
    /// <summary>
    /// Vectors of windows per chunk: a property of the network and the batch, never of the machine or its load, so the
    /// reduction order is too. One block (4 vectors) where a time step is at least <see cref="SmallChunksFromMultiplyAdds"/>
    /// multiply–adds: a batch of 1024 on 16 lanes is then 16 chunks, enough for a 16-core host (w3 on an H200 host's 16
    /// cores: 78.8 k → 142.7 k windows/s against 8 vectors; on 2 cores no slower, 55.5 k against 50.9 k, medians of 3).
    /// Two blocks below it, where a chunk's work is a few microseconds and the threads' hand-over is what costs (w1,
    /// hidden 3, was ~10% slower on 2 cores with one block).
    /// </summary>
    public int ChunkVectors { get; }

    /// <summary>Multiply–adds of one time step from which a chunk is one block (w2, hidden 32: 1 088; w1, hidden 3: 15).</summary>
    const long SmallChunksFromMultiplyAdds = 256;

    /// <summary>Vectors per block of a batch that fills more than one: <see cref="LaneProducts{V, L, S}.Product"/>'s tile height.</summary>
    internal const int BlockRows = 4;

    /// <summary>Below this many forward multiply–adds per batch, waking other threads costs more than it saves.</summary>
    const long SerialBelowMultiplyAdds = 40_000;

    readonly float[] w, transposed, grad, m, v;
    readonly TensorSlot[] kernels;
    readonly Action<int> forwardChunk, backwardChunk;
    float[] x = [], y = [];
    int[] order = [];
    int windowCount, batchStart, batchCount;
    /// <summary>Steps of the training windows, which size <see cref="batch"/> and the scratch.</summary>
    int timeSteps;
    double lossSum;
    /// <summary>The batch of the last <see cref="Forward"/>, one of <see cref="batches"/>.</summary>
    LaneBatch batch;
    /// <summary>A batch per width (128, 256, 512 bits) of one vector per block, and one of the widest with 4: allocated when first used.</summary>
    readonly LaneBatch?[] batches = new LaneBatch?[4];
    /// <summary>Each chunk's gradient and loss, summed in chunk order.</summary>
    float[][] chunkGradients = [];
    double[] chunkLosses = [];
    /// <summary>BPTT's working rows: one per thread at work, taken and given back around each chunk; the calling thread's when serial.</summary>
    readonly Stack<LaneScratch> scratch = new();
    LaneScratch? serialScratch;
    bool parallel;

    public FastCpuEngine(ModelSpec spec) : this(spec, VectorWidths.Widest) { }

    /// <summary>An engine on vectors of up to <paramref name="width"/>: the tests run the narrower widths too.</summary>
    internal FastCpuEngine(ModelSpec spec, VectorWidth width)
    {
        Spec = spec.Validated();
        Width = width;
        Layout = Spec.Layout();
        ChunkVectors = (Layout.ForwardMultiplyAdds(1) >= SmallChunksFromMultiplyAdds ? 1 : 2) * BlockRows;
        w = new float[Layout.Count];
        transposed = new float[Layout.Count];
        kernels = LaneBatch.Kernels(Layout);
        grad = new float[Layout.Count];
        m = new float[Layout.Count];
        v = new float[Layout.Count];
        forwardChunk = ForwardChunk;
        backwardChunk = BackwardChunk;
        batch = LaneBatch.Create(width, modelsInLanes: false, Layout, timeSteps, blocks: 0, rows: 1);
    }

    /// <summary>
    /// Compiles the hot methods of the vector widths these batches (the last one may be narrower) and predictions
    /// take, and only those, and allocates the batches: compiling every width up front was ~100 ms of the tutorial's 0.5 s process, where it runs
    /// batches of one on 128-bit vectors and predicts its train and test windows, untimed, on 512-bit ones.
    /// </summary>
    public void PrepareFor(int windows, int batchSize, int predicted = 0)
    {
        int batch = Math.Min(Math.Max(1, batchSize), Math.Max(1, windows)), last = windows % batch;
        HotMethods.EnsureCompiled(BatchWidth(batch), modelsInLanes: false);
        if (last > 0) HotMethods.EnsureCompiled(BatchWidth(last), modelsInLanes: false);
        if (predicted > 0) HotMethods.EnsureCompiled(BatchWidth(predicted), modelsInLanes: false);
        // And the batches' buffers, which the first step of each size would otherwise allocate inside timed training.
        if (last > 0) EnsureCapacity(last);
        EnsureCapacity(batch);
    }

    /// <summary>The widest vectors this engine runs.</summary>
    internal VectorWidth Width { get; }

    /// <summary>
    /// The vectors for a batch of <paramref name="count"/> windows: the narrowest that hold it, up to <see cref="Width"/>.
    /// A batch of one (the tutorial's) is a chain of dependent operations, each as slow on 16 lanes as on 4, and
    /// 512-bit vectors made it about 15% slower than 128-bit ones here; a full vector costs the same per window at any width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal VectorWidth BatchWidth(int count) => NarrowestHolding(count, Width);

    static VectorWidth NarrowestHolding(int count, VectorWidth widest)
    {
        var width = VectorWidth.Bits128;
        while (width < widest && width.Lanes() < count) width = (VectorWidth)((int)width * 2);
        return width;
    }

    /// <summary>Compiles what an engine on this CPU's widest vectors runs for batches of <paramref name="batchSize"/>, without making one (no buffers).</summary>
    internal static void CompileFor(int batchSize) => HotMethods.EnsureCompiled(NarrowestHolding(Math.Max(1, batchSize), VectorWidths.Widest), modelsInLanes: false);

    public string Name => EngineNames.Of(EngineKind.Simd);
    public ModelSpec Spec { get; }
    public ParameterLayout Layout { get; }
    public int Models => 1;

    public void SetTrainingData(WindowSet windows)
    {
        Spec.EnsureFits(windows);
        x = (float[])windows.X.Clone();
        y = (float[])windows.Y.Clone();
        windowCount = windows.Count;
        order = [.. Enumerable.Range(0, windowCount)];
        if (windows.TimeSteps == timeSteps) return;
        timeSteps = windows.TimeSteps;
        Array.Clear(batches); // sized for the old length: EnsureCapacity allocates anew
        scratch.Clear();
        serialScratch = null;
    }

    public void SetParameters(ReadOnlySpan<float> parameters)
    {
        if (parameters.Length != Layout.Count) throw new ArgumentException($"expected {Layout.Count} parameters, got {parameters.Length}");
        parameters.CopyTo(w);
        Array.Clear(m); Array.Clear(v); Array.Clear(grad);
    }

    public float[] GetParameters() => (float[])w.Clone();

    public float[] GetGradients() => (float[])grad.Clone();

    public void SetOrder(ReadOnlySpan<int> newOrder)
    {
        if (newOrder.Length != windowCount) throw new ArgumentException("the order must cover every training window");
        newOrder.CopyTo(order);
    }

    // Forward, Backward and ApplyAdam forward to private AggressiveOptimization methods, which are compiled before
    // training (see AggressiveMethods.Compile: an interface method would compile in the first timed step).
    public void Forward(int start, int count) => ForwardBatch(start, count);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void ForwardBatch(int start, int count)
    {
        if (start < 0 || count < 1 || start + count > windowCount) throw new ArgumentOutOfRangeException(nameof(count));
        EnsureCapacity(count);
        batchStart = start; batchCount = count;
        int chunks = ChunkCount(count);
        RunChunks(chunks, forwardChunk);
        for (int c = 0; c < chunks; c++) lossSum += chunkLosses[c];
    }

    public void Backward() => BackwardBatch();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void BackwardBatch()
    {
        LaneBatch.TransposeKernels(kernels, w, transposed, floats: 1);
        int chunks = ChunkCount(batchCount);
        RunChunks(chunks, backwardChunk);
        chunkGradients[0].CopyTo(grad, 0);
        for (int c = 1; c < chunks; c++) batch.Add(grad, chunkGradients[c]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void ForwardChunk(int chunk)
    {
        var b = batch;
        int windows = b.BlockWindows;
        double loss = 0;
        var (firstBlock, endBlock) = BlocksOf(chunk);
        for (int block = firstBlock; block < endBlock; block++)
        {
            int first = block * windows, count = Math.Min(windows, batchCount - first);
            b.Load(block, x, y, order, batchStart + first, count);
            loss += b.Forward(block, w);
        }
        chunkLosses[chunk] = loss;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void BackwardChunk(int chunk)
    {
        var b = batch;
        var gradient = chunkGradients[chunk];
        Array.Clear(gradient);
        float scale = 2f / (batchCount * Spec.Outputs);
        LaneScratch? s = parallel ? null : serialScratch;
        if (s is null) lock (scratch) s = scratch.Count > 0 ? scratch.Pop() : new LaneScratch(Layout, timeSteps, BlockRows * Width.Lanes());
        var (firstBlock, endBlock) = BlocksOf(chunk);
        for (int block = firstBlock; block < endBlock; block++) b.Backward(block, w, transposed, gradient, scale, s);
        if (parallel) lock (scratch) scratch.Push(s);
        else serialScratch = s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void RunChunks(int chunks, Action<int> body)
    {
        parallel = chunks > 1 && (long)batchCount * Layout.ForwardMultiplyAdds(timeSteps) >= SerialBelowMultiplyAdds;
        if (parallel) Parallel.For(0, chunks, body);
        else
            for (int c = 0; c < chunks; c++) body(c);
    }

    public void ApplyAdam(ReadOnlySpan<AdamStep> steps) => TakeAdamStep(steps);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void TakeAdamStep(ReadOnlySpan<AdamStep> steps) => batch.Adam(w, grad, m, v, RnnEngineExtensions.Single(steps), laneAlphas: default);

    public double[] TakeLossSums()
    {
        double sum = lossSum;
        lossSum = 0;
        return [sum];
    }

    /// <summary>
    /// Every window's outputs, blocks dealt round-robin to a batch per core where the work repays the threads. Every
    /// batch takes the width the whole set takes, so a window's outputs do not depend on how the blocks were dealt.
    /// </summary>
    public float[] Predict(WindowSet windows)
    {
        Spec.EnsureFits(windows);
        var result = new float[windows.Count * Spec.Outputs];
        if (windows.Count == 0) return result;
        int[] identity = [.. Enumerable.Range(0, windows.Count)];
        var first = NewBatch(windows.Count, windows.TimeSteps, blocks: 1);
        int blockWindows = first.BlockWindows, blocks = (windows.Count + blockWindows - 1) / blockWindows;
        bool worthThreads = (long)windows.Count * Layout.ForwardMultiplyAdds(windows.TimeSteps) >= SerialBelowMultiplyAdds;
        int workers = worthThreads ? Math.Min(Environment.ProcessorCount, blocks) : 1;
        void Work(int worker)
        {
            var lanes = worker == 0 ? first : NewBatch(windows.Count, windows.TimeSteps, blocks: 1);
            for (int block = worker; block < blocks; block += workers)
            {
                int start = block * blockWindows, count = Math.Min(blockWindows, windows.Count - start);
                lanes.Load(0, windows.X, windows.Y, identity, start, count);
                lanes.Forward(0, w);
                for (int n = 0; n < count; n++)
                    for (int k = 0; k < Spec.Outputs; k++) result[(start + n) * Spec.Outputs + k] = lanes.Output(0, n, k);
            }
        }
        if (workers > 1) Parallel.For(0, workers, Work);
        else Work(0);
        return result;
    }

    /// <summary>A batch for <paramref name="count"/> windows: on <see cref="BatchWidth"/>, 4 vectors per block past one vector's worth.</summary>
    LaneBatch NewBatch(int count, int steps, int blocks)
    {
        var width = BatchWidth(count);
        return LaneBatch.Create(width, modelsInLanes: false, Layout, steps, blocks, count > width.Lanes() ? BlockRows : 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int BlockCount(int windows) => (windows + batch.BlockWindows - 1) / batch.BlockWindows;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    int ChunkCount(int windows) => (BlockCount(windows) + ChunkBlocks - 1) / ChunkBlocks;

    int ChunkBlocks
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ChunkVectors / batch.Rows;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    (int First, int End) BlocksOf(int chunk) => (chunk * ChunkBlocks, Math.Min((chunk + 1) * ChunkBlocks, BlockCount(batchCount)));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void EnsureCapacity(int count)
    {
        var width = BatchWidth(count);
        int rows = count > width.Lanes() ? BlockRows : 1, blocks = (count + rows * width.Lanes() - 1) / (rows * width.Lanes());
        ref var slot = ref batches[rows > 1 ? 3 : VectorWidths.Index(width)];
        if (slot is null || slot.Blocks < blocks) slot = NewBatch(count, timeSteps, blocks);
        batch = slot;
        int chunks = ChunkCount(count);
        if (chunkGradients.Length < chunks)
        {
            chunkGradients = [.. chunkGradients, .. Enumerable.Range(0, chunks - chunkGradients.Length).Select(_ => new float[Layout.Count])];
            chunkLosses = new double[chunks];
        }
    }

    public void Dispose() { }
}
