using GpuRnn.Kernels;
using GpuRnn.Training.Data;
using GpuRnn.Training.Engines.Ilgpu;
using GpuRnn.Training.Model;
using ILGPU;
using ILGPU.Runtime;

namespace GpuRnn.Training.Engines;

/// <summary>
/// Trains on an ILGPU accelerator (CPU simulator, CUDA or OpenCL). Weights, Adam's moments, gradients, the loss
/// accumulator and the whole training set stay on the device; per step the host only launches kernels. The
/// kernels are in GpuRnn.Kernels; this class owns their device memory and launch order.
/// </summary>
public sealed class IlgpuEngine : IRnnEngine
{
    /// <summary>Windows per predict launch: bounds the state memory Predict allocates for a large window set.</summary>
    const int PredictChunk = 8192;

    readonly Context context;
    readonly Accelerator accelerator;
    readonly LoadedKernels kernels;
    readonly NetworkShape net;
    readonly IReadOnlyList<LayerShape> layers;
    readonly MemoryBuffer1D<float, Stride1D.Dense> weights, m, v, gradients, lossSum;
    MemoryBuffer1D<float, Stride1D.Dense>? x, y;
    MemoryBuffer1D<int, Stride1D.Dense>? order;
    BatchBuffers? batch;
    int windowCount, batchStart, batchCount;
    bool disposed;

    /// <summary>An engine on the first usable device of <paramref name="kind"/> (Cpu, Cuda or OpenCL).</summary>
    /// <exception cref="GpuRnnInputException">No such device here; the message says why.</exception>
    public static IlgpuEngine Create(EngineKind kind, ModelSpec spec)
    {
        spec.Validated();
        var context = IlgpuDevices.CreateContext(kind);
        try
        {
            var devices = IlgpuDevices.DevicesOf(context, kind);
            if (devices.Count == 0) throw new GpuRnnInputException(IlgpuDevices.WhyNone(kind));
            return new IlgpuEngine(context, devices[0], kind.ToString().ToLowerInvariant(), spec);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    IlgpuEngine(Context context, Device device, string name, ModelSpec spec)
    {
        this.context = context;
        Name = name;
        Spec = spec;
        Layout = new ParameterLayout(spec);
        var shapes = new KernelShapes(spec, Layout);
        net = shapes.Network;
        layers = shapes.Layers;
        accelerator = device.CreateAccelerator(context);
        try
        {
            kernels = new LoadedKernels(accelerator);
            weights = accelerator.Allocate1D<float>(Layout.Count);
            m = accelerator.Allocate1D<float>(Layout.Count);
            v = accelerator.Allocate1D<float>(Layout.Count);
            gradients = accelerator.Allocate1D<float>(Layout.Count);
            lossSum = accelerator.Allocate1D<float>(1);
            foreach (var buffer in new[] { weights, m, v, gradients, lossSum }) buffer.MemSetToZero();
            accelerator.Synchronize();
        }
        catch
        {
            accelerator.Dispose();
            throw;
        }
    }

    public string Name { get; }
    public ModelSpec Spec { get; }
    public ParameterLayout Layout { get; }

    /// <summary>The device ILGPU runs on, e.g. "CPUAccelerator" or the GPU's name.</summary>
    public string DeviceName => accelerator.Name;

    public void SetTrainingData(WindowSet windows)
    {
        CheckShape(windows);
        if (windows.Count == 0) throw new GpuRnnInputException("there are no training windows");
        x?.Dispose(); y?.Dispose(); order?.Dispose();
        x = accelerator.Allocate1D(windows.X);
        y = accelerator.Allocate1D(windows.Y);
        order = accelerator.Allocate1D(Enumerable.Range(0, windows.Count).ToArray());
        windowCount = windows.Count;
    }

    public void SetParameters(ReadOnlySpan<float> parameters)
    {
        if (parameters.Length != Layout.Count) throw new ArgumentException($"expected {Layout.Count} parameters, got {parameters.Length}");
        ((ArrayView<float>)weights.View).CopyFromCPU(parameters);
        m.MemSetToZero(); v.MemSetToZero(); gradients.MemSetToZero();
    }

    public float[] GetParameters() => Read(weights);

    public float[] GetGradients() => Read(gradients);

    public void SetOrder(ReadOnlySpan<int> newOrder)
    {
        if (order is null) throw new InvalidOperationException("SetTrainingData first");
        if (newOrder.Length != windowCount) throw new ArgumentException("the order must cover every training window");
        ((ArrayView<int>)order.View).CopyFromCPU(newOrder);
    }

    public void Forward(int start, int count)
    {
        if (x is null || y is null || order is null) throw new InvalidOperationException("SetTrainingData first");
        if (start < 0 || count < 1 || start + count > windowCount) throw new ArgumentOutOfRangeException(nameof(count));
        if (batch is null || batch.Capacity < count)
        {
            batch?.Dispose();
            batch = new BatchBuffers(accelerator, net, count, forTraining: true);
        }
        batchStart = start; batchCount = count;
        RunForward(x.View, order.View, batch, start, count);
        kernels.AccumulateLoss(1, batch.Outputs.View, y.View, order.View, lossSum.View, net, start, count);
    }

    public void Backward()
    {
        if (batch is null || x is null || y is null || order is null) throw new InvalidOperationException("Forward first");
        var windowGradients = batch.WindowGradients!.View;
        kernels.BackwardHead(batchCount, y.View, order.View, weights.View, batch.States.View, batch.Outputs.View,
            batch.StateGradients!.View, windowGradients, net, batchStart, batchCount);
        for (int l = layers.Count - 1; l >= 0; l--)
            kernels.BackwardLayer(batchCount, x.View, order.View, weights.View, batch.States.View, batch.StateGradients.View,
                batch.Scratch!.View, windowGradients, net, layers[l], batchStart);
        kernels.SumWindows(Layout.Count, windowGradients, gradients.View, Layout.Count, batchCount);
    }

    public void ApplyAdam(AdamStep step) =>
        kernels.Adam(Layout.Count, weights.View, m.View, v.View, gradients.View, step.Alpha, step.Beta1, step.Beta2, step.Epsilon);

    public double TakeLossSum()
    {
        var sum = Read(lossSum)[0];
        lossSum.MemSetToZero();
        return sum;
    }

    public float[] Predict(WindowSet windows)
    {
        CheckShape(windows);
        var result = new float[windows.Count * Spec.Outputs];
        if (windows.Count == 0) return result;
        using var windowData = accelerator.Allocate1D(windows.X);
        using var identity = accelerator.Allocate1D(Enumerable.Range(0, windows.Count).ToArray());
        using var chunk = new BatchBuffers(accelerator, net, Math.Min(windows.Count, PredictChunk), forTraining: false);
        for (int start = 0; start < windows.Count; start += chunk.Capacity)
        {
            int count = Math.Min(chunk.Capacity, windows.Count - start);
            RunForward(windowData.View, identity.View, chunk, start, count);
            ((ArrayView<float>)chunk.Outputs.View).SubView(0, count * Spec.Outputs).CopyToCPU(result.AsSpan(start * Spec.Outputs, count * Spec.Outputs));
        }
        return result;
    }

    /// <summary>Each layer bottom to top, then the head: windows <c>order[start ..]</c> into state rows 0 … count−1.</summary>
    void RunForward(ArrayView<float> data, ArrayView<int> windowOrder, BatchBuffers buffers, int start, int count)
    {
        foreach (var layer in layers)
            kernels.ForwardLayer(count, data, windowOrder, weights.View, buffers.States.View, net, layer, start);
        kernels.ForwardHead(count, weights.View, buffers.States.View, buffers.Outputs.View, net);
    }

    float[] Read(MemoryBuffer1D<float, Stride1D.Dense> buffer)
    {
        accelerator.Synchronize();
        return buffer.GetAsArray1D();
    }

    void CheckShape(WindowSet windows)
    {
        if (windows.TimeSteps != Spec.TimeSteps || windows.Features != Spec.Features || windows.Outputs != Spec.Outputs)
            throw new GpuRnnInputException(
                $"the windows ({windows.TimeSteps} steps × {windows.Features} features → {windows.Outputs}) do not fit the model ({Spec})");
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        batch?.Dispose();
        x?.Dispose(); y?.Dispose(); order?.Dispose();
        weights.Dispose(); m.Dispose(); v.Dispose(); gradients.Dispose(); lossSum.Dispose();
        accelerator.Dispose();
        context.Dispose();
    }
}
