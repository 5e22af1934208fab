using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GpuRnn.Kernels;
using GpuRnn.Training.Data;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>
/// The fast CPU engine, float32. Windows run <see cref="LaneBatch.Width"/> at a time in SIMD lanes (see
/// <see cref="LaneBatch"/>), on the widest vectors the CPU has (<see cref="VectorWidths.Widest"/>), or the narrowest
/// that hold a smaller batch (<see cref="BatchWidth"/>); a batch is cut into chunks of <see cref="ChunkBlocks"/> blocks,
/// and chunks run in parallel. Each chunk sums its own gradient and loss, and the chunks are then added in chunk order:
/// the chunking depends only on the batch size and the vector width, never on the thread count or timing, so results
/// are bit-identical run to run.
/// Small batches (the tutorial's batch of one) run on the calling thread with no threading at all.
/// All buffers are allocated on the first batch of a given size; a training step allocates nothing.
/// </summary>
public sealed class FastCpuEngine : IRnnEngine
{
    /// <summary>Blocks per chunk: fixed, so the reduction order is a property of the batch, not of the machine's load.</summary>
    public const int ChunkBlocks = 8;

    /// <summary>Below this many forward multiply–adds per batch, waking other threads costs more than it saves.</summary>
    const long SerialBelowMultiplyAdds = 40_000;

    readonly float[] w, grad, m, v;
    readonly Action<int> forwardChunk, backwardChunk;
    float[] x = [], y = [];
    int[] order = [];
    int windowCount, batchStart, batchCount;
    /// <summary>Steps of the training windows, which size <see cref="batch"/> and <see cref="scratch"/>.</summary>
    int timeSteps;
    double lossSum;
    /// <summary>The batch of the last <see cref="Forward"/>, one of <see cref="batches"/>.</summary>
    LaneBatch batch;
    /// <summary>A batch per width (128, 256, 512 bits), allocated when first used.</summary>
    readonly LaneBatch?[] batches = new LaneBatch?[3];
    LaneScratch[] scratch = [];

    public FastCpuEngine(ModelSpec spec) : this(spec, VectorWidths.Widest) { }

    /// <summary>An engine on vectors of up to <paramref name="width"/>: the tests run the narrower widths too.</summary>
    internal FastCpuEngine(ModelSpec spec, VectorWidth width)
    {
        Spec = spec.Validated();
        Width = width;
        Layout = Spec.Layout();
        w = new float[Layout.Count];
        grad = new float[Layout.Count];
        m = new float[Layout.Count];
        v = new float[Layout.Count];
        forwardChunk = ForwardChunk;
        backwardChunk = BackwardChunk;
        batch = LaneBatch.Create(width, Layout, timeSteps, blocks: 0);
        HotMethods.EnsureCompiled(width);
        HotMethods.EnsureCompiled(BatchWidth(1)); // a batch of one's, so that the tutorial's first epoch compiles nothing
    }

    /// <summary>The widest vectors this engine runs.</summary>
    internal VectorWidth Width { get; }

    /// <summary>
    /// The vectors for a batch of <paramref name="count"/> windows: the narrowest that hold it, up to <see cref="Width"/>.
    /// A batch of one (the tutorial's) is a chain of dependent operations, each as slow on 16 lanes as on 4, and
    /// 512-bit vectors made it about 15% slower than 128-bit ones here; a full vector costs the same per window at any width.
    /// </summary>
    internal VectorWidth BatchWidth(int count)
    {
        var width = VectorWidth.Bits128;
        while (width < Width && width.Lanes() < count) width = (VectorWidth)((int)width * 2);
        return width;
    }

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
        scratch = [];
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(int start, int count)
    {
        if (start < 0 || count < 1 || start + count > windowCount) throw new ArgumentOutOfRangeException(nameof(count));
        EnsureCapacity(count);
        batchStart = start; batchCount = count;
        int chunks = ChunkCount(count);
        RunChunks(chunks, forwardChunk);
        for (int c = 0; c < chunks; c++) lossSum += scratch[c].Loss;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward()
    {
        int chunks = ChunkCount(batchCount);
        RunChunks(chunks, backwardChunk);
        scratch[0].Gradient.CopyTo(grad, 0);
        for (int c = 1; c < chunks; c++) batch.Add(grad, scratch[c].Gradient);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void ForwardChunk(int chunk)
    {
        var b = batch;
        int width = b.Width;
        double loss = 0;
        int firstBlock = chunk * ChunkBlocks, endBlock = Math.Min(firstBlock + ChunkBlocks, BlockCount(batchCount));
        for (int block = firstBlock; block < endBlock; block++)
        {
            int first = block * width;
            b.Load(block, x, y, order, batchStart + first, Math.Min(width, batchCount - first));
            loss += b.Forward(block, w);
        }
        scratch[chunk].Loss = loss;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void BackwardChunk(int chunk)
    {
        var b = batch;
        var s = scratch[chunk];
        Array.Clear(s.Gradient);
        float scale = 2f / (batchCount * Spec.Outputs);
        int firstBlock = chunk * ChunkBlocks, endBlock = Math.Min(firstBlock + ChunkBlocks, BlockCount(batchCount));
        for (int block = firstBlock; block < endBlock; block++) b.Backward(block, w, s.Gradient, scale, s);
    }

    void RunChunks(int chunks, Action<int> body)
    {
        if (chunks == 1 || (long)batchCount * Layout.ForwardMultiplyAdds(timeSteps) < SerialBelowMultiplyAdds)
            for (int c = 0; c < chunks; c++) body(c);
        else
            Parallel.For(0, chunks, body);
    }

    public void ApplyAdam(ReadOnlySpan<AdamStep> steps) => batch.Adam(w, grad, m, v, RnnEngineExtensions.Single(steps));

    public double[] TakeLossSums()
    {
        double sum = lossSum;
        lossSum = 0;
        return [sum];
    }

    public float[] Predict(WindowSet windows)
    {
        Spec.EnsureFits(windows);
        var result = new float[windows.Count * Spec.Outputs];
        var lanes = LaneBatch.Create(BatchWidth(windows.Count), Layout, windows.TimeSteps, blocks: 1);
        int[] identity = [.. Enumerable.Range(0, windows.Count)];
        for (int first = 0; first < windows.Count; first += lanes.Width)
        {
            lanes.Load(0, windows.X, windows.Y, identity, first, Math.Min(lanes.Width, windows.Count - first));
            lanes.Forward(0, w);
            lanes.StoreOutputs(0, result.AsSpan(first * Spec.Outputs));
        }
        return result;
    }

    int BlockCount(int windows) => (windows + batch.Width - 1) / batch.Width;

    int ChunkCount(int windows) => (BlockCount(windows) + ChunkBlocks - 1) / ChunkBlocks;

    void EnsureCapacity(int count)
    {
        var width = BatchWidth(count);
        int blocks = (count + width.Lanes() - 1) / width.Lanes();
        ref var slot = ref batches[VectorWidths.Index(width)];
        if (slot is null || slot.Blocks < blocks) slot = LaneBatch.Create(width, Layout, timeSteps, blocks);
        batch = slot;
        int chunks = ChunkCount(count);
        if (scratch.Length < chunks)
        {
            var grown = new LaneScratch[chunks];
            scratch.CopyTo(grown, 0);
            for (int c = scratch.Length; c < chunks; c++) grown[c] = new LaneScratch(Layout, timeSteps, Layout.Count, Width.Lanes());
            scratch = grown;
        }
    }

    public void Dispose() { }
}
