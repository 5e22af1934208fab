using GpuRnn.Kernels;
using GpuRnn.Training.Data;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Engines.Ilgpu;
using GpuRnn.Training.Model;
using GpuRnn.Training.Sweep.Ilgpu;
using ILGPU;
using ILGPU.Runtime;

namespace GpuRnn.Training.Sweep;

/// <summary>
/// Trains every model of a group on one ILGPU accelerator in the same kernel launches: weights, gradients and Adam
/// moments laid out [model × parameter], each model with its own epoch order and learning rate, the windows uploaded
/// once. A step is two launches whatever the number of models: forward and BPTT with one thread per
/// (model, window of the batch), then one thread per (model, parameter) summing the batch's gradients in order
/// and taking Adam's step. With <c>together: false</c> the same kernels train one model at a time: the baseline
/// that shows what training at once buys on the same device.
/// </summary>
/// <remarks>
/// A thread reads only its own model's rows, so a model's result does not depend on which models share its launch:
/// together and one at a time agree bit for bit. Against ScalarEngine&lt;float&gt; trained alone, the per-window
/// arithmetic is the same; a batch's gradient is summed window by window rather than in one running sum (equal
/// for batch 1), and GPUs compute tanh/exp their own way. One SimpleRNN layer only.
/// </remarks>
public sealed class IlgpuGroupTrainer : IGroupTrainer, IDisposable
{
    readonly EngineKind kind;
    readonly bool together;
    readonly Context context;
    readonly Accelerator accelerator;
    readonly SweepKernels kernels;
    bool disposed;

    /// <summary>Creates an accelerator of <paramref name="kind"/> (Cpu, Cuda or OpenCL) and loads the sweep kernels on it.</summary>
    /// <exception cref="GpuRnnInputException">No usable device of that kind here; the message says why.</exception>
    public IlgpuGroupTrainer(EngineKind kind, bool together = true)
    {
        this.kind = kind;
        this.together = together;
        context = IlgpuDevices.CreateContext(kind);
        try
        {
            var devices = IlgpuDevices.DevicesOf(context, kind);
            if (devices.Count == 0) throw new GpuRnnInputException(IlgpuDevices.WhyNone(kind));
            accelerator = devices[0].CreateAccelerator(context);
            try
            {
                kernels = new SweepKernels(accelerator);
            }
            catch
            {
                accelerator.Dispose();
                throw;
            }
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>One accelerator trains one group's launches at a time.</summary>
    public bool TrainsGroupsConcurrently => false;

    public string Name => together
        ? $"{KindName} accelerator ({accelerator.Name}): every model of a group in the same launches"
        : $"{KindName} accelerator ({accelerator.Name}), one model at a time";

    string KindName => EngineNames.Of(kind);

    public IReadOnlyList<float[]> Train(ModelSpec spec, WindowSet train, IReadOnlyList<GroupMember> members, TrainingOptions common)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        spec.Validated();
        common.Validated();
        if (spec.Layers != 1) throw new GpuRnnInputException("the ILGPU group trainer trains one SimpleRNN layer; stacked models train one at a time");
        if (common.EarlyStoppingPatience is not null) throw new GpuRnnInputException("the ILGPU group trainer does not stop early; train such models one at a time");
        var (fit, _) = Trainer.HoldOut(train, common.ValidationSplit); // as Trainer.Fit does, before any shuffling
        if (fit.Count == 0) throw new GpuRnnInputException("there are no training windows");
        var layout = new ParameterLayout(spec);
        var net = Shape(spec, layout, fit.Count);
        int chunk = together ? MaxModelsPerLaunch(net, fit.Count, common.BatchSize) : 1;
        var result = new List<float[]>(members.Count);
        for (int first = 0; first < members.Count; first += chunk)
            result.AddRange(TrainTogether(net, layout, fit, [.. members.Skip(first).Take(chunk)], common));
        return result;
    }

    /// <summary>Every member in the same launches, step by step; per epoch only the orders and α's go up.</summary>
    float[][] TrainTogether(SweepShape net, ParameterLayout layout, WindowSet windows, GroupMember[] members, TrainingOptions options)
    {
        int n = windows.Count, models = members.Length, batch = options.BatchSize, parameters = layout.Count;
        int stepsPerEpoch = (n + batch - 1) / batch;
        using var buffers = new SweepBuffers(accelerator, net, windows, models, batch, stepsPerEpoch);
        var initial = new float[models * parameters];
        for (int i = 0; i < models; i++) Initializers.KerasDefaults(layout, members[i].Seed).CopyTo(initial, i * parameters);
        ((ArrayView<float>)buffers.Weights.View).CopyFromCPU(initial);

        var schedules = members.Select(mb => new ShuffleSchedule(mb.Seed, n, options.Shuffle)).ToArray();
        var orders = new int[models * n];
        var alphas = new float[stepsPerEpoch * models];
        var adam = options.Adam;
        int iteration = 0;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            for (int i = 0; i < models; i++) schedules[i].Next().CopyTo(orders, i * n);
            for (int s = 0; s < stepsPerEpoch; s++)
                for (int i = 0; i < models; i++) alphas[s * models + i] = adam.StepFor(members[i].LearningRate, iteration + 1 + s).Alpha;
            accelerator.Synchronize(); // the last epoch's launches still read the orders and α's about to be overwritten
            ((ArrayView<int>)buffers.Orders.View).CopyFromCPU(orders);
            ((ArrayView<float>)buffers.Alphas.View).CopyFromCPU(alphas);
            for (int s = 0; s < stepsPerEpoch; s++)
            {
                int start = s * batch, count = Math.Min(batch, n - start);
                kernels.ForwardBackward(models * count, buffers.X.View, buffers.Y.View, buffers.Orders.View, buffers.Weights.View,
                    buffers.States.View, buffers.Outputs.View, buffers.Scratch.View, buffers.WindowGradients.View, net, start, count);
                kernels.Adam(models * parameters, buffers.WindowGradients.View, buffers.Weights.View, buffers.M.View, buffers.V.View,
                    buffers.Alphas.View, net, models, count, s, adam.Beta1, adam.Beta2, adam.Epsilon);
            }
            iteration += stepsPerEpoch;
        }
        accelerator.Synchronize();
        var trained = buffers.Weights.GetAsArray1D();
        return [.. Enumerable.Range(0, models).Select(i => trained.AsSpan(i * parameters, parameters).ToArray())];
    }

    /// <summary>
    /// How many models one launch can take: bounded by the kernels' 32-bit indexing and by half the device's memory
    /// (a sweep of 100 000 configurations would otherwise ask for more than a GPU has).
    /// </summary>
    int MaxModelsPerLaunch(SweepShape net, int windowCount, int batchSize)
    {
        long slotsPerModel = Math.Min(batchSize, windowCount);
        long floatsPerModel = 3L * net.ParameterCount + (long)windowCount
            + slotsPerModel * (net.StateStride + net.Outputs + net.ScratchStride + net.ParameterCount)
            + (windowCount + batchSize - 1) / batchSize;
        long byMemory = Math.Max(1, accelerator.MemorySize / 2 / (4 * floatsPerModel));
        int models = (int)Math.Min(byMemory, 1 << 20);
        while (models > 1 && !SweepBuffers.Fits(net, windowCount, models, batchSize)) models /= 2;
        return models;
    }

    static SweepShape Shape(ModelSpec spec, ParameterLayout layout, int windowCount) =>
        new(spec.TimeSteps, spec.Features, spec.Units[0], spec.Outputs, windowCount, layout.Count,
            layout.Kernel[0].Offset, layout.RecurrentKernel[0].Offset, layout.Bias[0].Offset, layout.DenseKernel.Offset, layout.DenseBias.Offset,
            spec.HiddenActivation.ToKernel(), spec.OutputActivation.ToKernel());

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        accelerator.Dispose();
        context.Dispose();
    }
}
