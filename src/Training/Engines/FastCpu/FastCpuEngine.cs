using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GpuRnn.Kernels;
using GpuRnn.Training.Data;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>
/// The fast CPU engine, float32. Windows run <see cref="LaneBatch.Width"/> at a time in SIMD lanes (see
/// <see cref="LaneBatch"/>); a batch is cut into chunks of <see cref="ChunkBlocks"/> blocks, and chunks run in
/// parallel. Each chunk sums its own gradient and loss, and the chunks are then added in chunk order: the chunking
/// depends only on the batch size, never on the thread count or timing, so results are bit-identical run to run.
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
    LaneBatch? batch;
    LaneScratch[] scratch = [];

    public FastCpuEngine(ModelSpec spec)
    {
        Spec = spec.Validated();
        Layout = Spec.Layout();
        w = new float[Layout.Count];
        grad = new float[Layout.Count];
        m = new float[Layout.Count];
        v = new float[Layout.Count];
        forwardChunk = ForwardChunk;
        backwardChunk = BackwardChunk;
        HotMethods.EnsureCompiled();
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
        batch = null; // sized for the old length: EnsureCapacity allocates anew
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
        var total = MemoryMarshal.Cast<float, Vector<float>>(grad.AsSpan());
        int vectorEnd = total.Length * Vector<float>.Count;
        for (int c = 1; c < chunks; c++)
        {
            var part = scratch[c].Gradient;
            var lanes = MemoryMarshal.Cast<float, Vector<float>>(part.AsSpan());
            for (int i = 0; i < total.Length; i++) total[i] += lanes[i];
            for (int i = vectorEnd; i < grad.Length; i++) grad[i] += part[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void ForwardChunk(int chunk)
    {
        var b = batch!;
        int width = LaneBatch.Width;
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
        var b = batch!;
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

    /// <summary>Adam exactly as <see cref="AdamStep"/> states it, lane-wise (no fused multiply–add, like the reference).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ApplyAdam(ReadOnlySpan<AdamStep> steps)
    {
        var step = RnnEngineExtensions.Single(steps);
        var oneMinusBeta1 = new Vector<float>(1f - step.Beta1);
        var oneMinusBeta2 = new Vector<float>(1f - step.Beta2);
        var alpha = new Vector<float>(step.Alpha);
        var epsilon = new Vector<float>(step.Epsilon);
        var wv = MemoryMarshal.Cast<float, Vector<float>>(w.AsSpan());
        var gv = MemoryMarshal.Cast<float, Vector<float>>(grad.AsSpan());
        var mv = MemoryMarshal.Cast<float, Vector<float>>(m.AsSpan());
        var vv = MemoryMarshal.Cast<float, Vector<float>>(v.AsSpan());
        for (int i = 0; i < wv.Length; i++)
        {
            var g = gv[i];
            mv[i] += (g - mv[i]) * oneMinusBeta1;
            vv[i] += (g * g - vv[i]) * oneMinusBeta2;
            wv[i] -= alpha * mv[i] / (Vector.SquareRoot(vv[i]) + epsilon);
        }
        for (int i = wv.Length * Vector<float>.Count; i < w.Length; i++)
        {
            float g = grad[i];
            m[i] += (g - m[i]) * (1f - step.Beta1);
            v[i] += (g * g - v[i]) * (1f - step.Beta2);
            w[i] -= step.Alpha * m[i] / (MathF.Sqrt(v[i]) + step.Epsilon);
        }
    }

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
        var lanes = new LaneBatch(Layout, windows.TimeSteps, blocks: 1);
        int[] identity = [.. Enumerable.Range(0, windows.Count)];
        for (int first = 0; first < windows.Count; first += LaneBatch.Width)
        {
            lanes.Load(0, windows.X, windows.Y, identity, first, Math.Min(LaneBatch.Width, windows.Count - first));
            lanes.Forward(0, w);
            lanes.StoreOutputs(0, result.AsSpan(first * Spec.Outputs));
        }
        return result;
    }

    static int BlockCount(int windows) => (windows + LaneBatch.Width - 1) / LaneBatch.Width;

    static int ChunkCount(int windows) => (BlockCount(windows) + ChunkBlocks - 1) / ChunkBlocks;

    void EnsureCapacity(int count)
    {
        int blocks = BlockCount(count);
        if (batch is null || batch.Blocks < blocks) batch = new LaneBatch(Layout, timeSteps, blocks);
        int chunks = ChunkCount(count);
        if (scratch.Length < chunks)
        {
            var grown = new LaneScratch[chunks];
            scratch.CopyTo(grown, 0);
            for (int c = scratch.Length; c < chunks; c++) grown[c] = new LaneScratch(Layout, timeSteps, Layout.Count);
            scratch = grown;
        }
    }

    public void Dispose() { }
}
