using GpuRnn.Kernels;
using GpuRnn.Training.Data;
using GpuRnn.Training.Engines.Ilgpu;
using GpuRnn.Training.Model;
using ILGPU;
using ILGPU.Runtime;

namespace GpuRnn.Training.Engines;

/// <summary>
/// Trains on an ILGPU accelerator (CPU simulator, CUDA or OpenCL). Weights, Adam's moments, gradients, the loss
/// accumulators and the whole training set stay on the device; per step the host only launches kernels. The
/// kernels are in GpuRnn.Kernels; this class owns their device memory and launch order. The simple reference
/// kernels run everywhere, for any number of models (every model of the engine in the same launches, one thread
/// per (model, window) or (model, parameter)); the grouped ones (a one-launch epoch kernel for small batches,
/// GPU-shaped batch kernels for larger hidden sizes) train one model and run where KernelPlan's rule picks them,
/// unless <see cref="IlgpuKernelChoice.Reference"/> is asked for.
/// </summary>
public sealed class IlgpuEngine : IEpochEngine
{
    /// <summary>Windows per predict launch: bounds the state memory Predict allocates for a large window set.</summary>
    const int PredictChunk = 8192;

    readonly IlgpuAccelerator device;
    readonly bool ownsDevice;
    readonly Accelerator accelerator;
    readonly LoadedKernels kernels;
    readonly GroupedKernels grouped;
    readonly IlgpuKernelChoice choice;
    /// <summary>
    /// Kernels and shapes for the training windows' length (the spec's until <see cref="SetTrainingData"/>): what
    /// Forward, Backward, TrainEpoch and the batch buffers use. Predict makes its own for windows of another length.
    /// </summary>
    KernelPlan plan;
    /// <summary>[model × parameter] (weights, m, v, gradients); lossSum and alphas (this step's α) one per model.</summary>
    readonly MemoryBuffer1D<float, Stride1D.Dense> weights, m, v, gradients, lossSum, alphas;
    MemoryBuffer1D<float, Stride1D.Dense>? x, y;
    MemoryBuffer1D<int, Stride1D.Dense>? order;
    BatchBuffers? batch;
    GroupedBatchBuffers? groupedBatch;
    MemoryBuffer1D<float, Stride1D.Dense>? epochAlphas;
    /// <summary>Host copy of <see cref="alphas"/>, reused every step.</summary>
    readonly float[] stepSizes;
    int windowCount, batchStart, batchCount;
    bool disposed;

    /// <summary>
    /// An engine training <paramref name="models"/> models of <paramref name="spec"/> on the first usable device of
    /// <paramref name="kind"/> (Cpu, Cuda or OpenCL), with the kernels KernelPlan picks by shape.
    /// </summary>
    /// <exception cref="GpuRnnInputException">No such device here; the message says why.</exception>
    public static IlgpuEngine Create(EngineKind kind, ModelSpec spec, int models = 1)
    {
        if (models < 1) throw new ArgumentOutOfRangeException(nameof(models), "at least one model");
        spec.Validated();
        var device = IlgpuAccelerator.Open(kind);
        try
        {
            return new IlgpuEngine(device, ownsDevice: true, spec, IlgpuKernelChoice.ByShape, models);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <summary>An engine on a device opened once for many engines (a sweep's shapes); the device outlives it.</summary>
    public static IlgpuEngine Create(IlgpuAccelerator device, ModelSpec spec, int models = 1) => Create(device, spec, IlgpuKernelChoice.ByShape, models);

    /// <summary>As <see cref="Create(IlgpuAccelerator, ModelSpec, int)"/>, with the kernel variant forced: tests run every variant on one opened device.</summary>
    internal static IlgpuEngine Create(IlgpuAccelerator device, ModelSpec spec, IlgpuKernelChoice kernels, int models = 1)
    {
        if (models < 1) throw new ArgumentOutOfRangeException(nameof(models), "at least one model");
        return new IlgpuEngine(device, ownsDevice: false, spec.Validated(), kernels, models);
    }

    IlgpuEngine(IlgpuAccelerator device, bool ownsDevice, ModelSpec spec, IlgpuKernelChoice choice, int models)
    {
        this.device = device;
        this.ownsDevice = ownsDevice;
        Name = EngineNames.Of(device.Kind);
        Spec = spec;
        Models = models;
        stepSizes = new float[models];
        this.choice = choice;
        Layout = spec.Layout();
        accelerator = device.Accelerator;
        kernels = device.Kernels;
        grouped = device.Grouped;
        try
        {
            // Compile the grouped kernels this engine may take for windows of the spec's length now, so that training
            // time excludes compilation (SetTrainingData compiles any more that other lengths take).
            plan = PlanFor(spec.TimeSteps);
            grouped.Preload(plan.EpochKernelFits, plan.BatchKernels, plan.WhInShared);
            long parameters = BatchBuffers.Checked(models, Layout.Count);
            weights = accelerator.Allocate1D<float>(parameters);
            m = accelerator.Allocate1D<float>(parameters);
            v = accelerator.Allocate1D<float>(parameters);
            gradients = accelerator.Allocate1D<float>(parameters);
            lossSum = accelerator.Allocate1D<float>(models);
            alphas = accelerator.Allocate1D<float>(models);
            foreach (var buffer in new[] { weights, m, v, gradients, lossSum, alphas }) buffer.MemSetToZero();
            accelerator.Synchronize();
        }
        catch
        {
            // The device is the caller's to close (Create closes one it opened); the buffers made so far are ours.
            foreach (var buffer in new[] { weights, m, v, gradients, lossSum, alphas }) buffer?.Dispose();
            throw;
        }
    }

    public string Name { get; }
    public ModelSpec Spec { get; }
    public ParameterLayout Layout { get; }
    public int Models { get; }

    /// <summary>Slots (model, window) of a batch of <paramref name="count"/> windows per model, each model in its own epoch order.</summary>
    BatchSlots TrainingSlots(int start, int count) => new(start, count, Models, windowCount);

    /// <summary>Kernels and shapes for windows of <paramref name="timeSteps"/> steps: the training plan for its length, a fresh one otherwise.</summary>
    KernelPlan PlanFor(int timeSteps) =>
        plan is not null && plan.TimeSteps == timeSteps ? plan : new KernelPlan(accelerator, Layout, timeSteps, Models, choice);

    /// <summary>Whether Forward, Backward and Predict run the grouped batch kernels (KernelPlan's rule).</summary>
    public bool UsesGroupedBatchKernels => plan.BatchKernels;

    /// <summary>The device's shared memory per group in bytes (what KernelPlan's rule sizes the grouped kernels against).</summary>
    public long SharedMemoryPerGroup => accelerator.MaxSharedMemoryPerGroup;

    /// <summary>
    /// Whether the grouped batch kernels hold the recurrent kernel Wh in shared memory (false: they read it from global
    /// memory, the variant for hidden sizes whose Wh does not fit shared memory; KernelPlan's rule).
    /// </summary>
    public bool GroupedBatchKernelsHoldWhInShared => plan.BatchKernels && plan.WhInShared;

    public void SetTrainingData(WindowSet windows)
    {
        Spec.EnsureFits(windows);
        if (windows.Count == 0) throw new GpuRnnInputException("there are no training windows");
        x?.Dispose(); y?.Dispose(); order?.Dispose();
        if (windows.TimeSteps != plan.TimeSteps)
        {
            plan = PlanFor(windows.TimeSteps);
            grouped.Preload(plan.EpochKernelFits, plan.BatchKernels, plan.WhInShared); // before training, like the constructor's
            // Sized for the old length: Forward allocates them anew.
            batch?.Dispose(); groupedBatch?.Dispose();
            batch = null; groupedBatch = null;
        }
        x = accelerator.Allocate1D(windows.X);
        y = accelerator.Allocate1D(windows.Y);
        // Until SetOrder, every model visits the windows in their given order.
        order = accelerator.Allocate1D<int>(BatchBuffers.Checked(Models, windows.Count));
        windowCount = windows.Count;
        var identity = Enumerable.Range(0, windowCount).ToArray();
        for (int model = 0; model < Models; model++) order.View.SubView((long)model * windowCount, windowCount).CopyFromCPU(identity);
    }

    public void SetParameters(ReadOnlySpan<float> parameters)
    {
        if (parameters.Length != Models * Layout.Count) throw new ArgumentException($"expected {Models} × {Layout.Count} parameters, got {parameters.Length}");
        ((ArrayView<float>)weights.View).CopyFromCPU(parameters);
        m.MemSetToZero(); v.MemSetToZero(); gradients.MemSetToZero();
    }

    public float[] GetParameters() => Read(weights);

    public float[] GetGradients() => Read(gradients);

    public void SetOrder(ReadOnlySpan<int> newOrder)
    {
        if (order is null) throw new InvalidOperationException("SetTrainingData first");
        if (newOrder.Length != Models * windowCount) throw new ArgumentException("the orders must cover every training window of every model");
        ((ArrayView<int>)order.View).CopyFromCPU(newOrder);
    }

    public void Forward(int start, int count)
    {
        if (x is null || y is null || order is null) throw new InvalidOperationException("SetTrainingData first");
        if (start < 0 || count < 1 || start + count > windowCount) throw new ArgumentOutOfRangeException(nameof(count));
        if (batch is null || batch.Slots < Models * count)
        {
            batch?.Dispose();
            groupedBatch?.Dispose();
            // The grouped kernels keep per-step deltas instead of the reference's per-window gradient rows.
            batch = new BatchBuffers(accelerator, plan.Network, BatchBuffers.Checked(Models, count), forTraining: !plan.BatchKernels);
            groupedBatch = plan.BatchKernels ? new GroupedBatchBuffers(accelerator, plan.Network, plan.Layers[0], count, forTraining: true, plan.WhInShared) : null;
        }
        batchStart = start; batchCount = count;
        var slots = TrainingSlots(start, count);
        RunForward(plan, x.View, order.View, batch, groupedBatch, slots);
        kernels.AccumulateLoss(Models, batch.Outputs.View, y.View, order.View, lossSum.View, plan.Network, slots);
    }

    public void Backward()
    {
        if (batch is null || x is null || y is null || order is null) throw new InvalidOperationException("Forward first");
        if (groupedBatch is not null)
        {
            GroupedBackward(x.View, y.View, order.View, batch, groupedBatch);
            return;
        }
        var windowGradients = batch.WindowGradients!.View;
        var slots = TrainingSlots(batchStart, batchCount);
        var net = plan.Network;
        var layers = plan.Layers;
        kernels.BackwardHead(slots.Slots, y.View, order.View, weights.View, batch.States.View, batch.Outputs.View,
            batch.StateGradients!.View, windowGradients, net, slots);
        for (int l = layers.Count - 1; l >= 0; l--)
            kernels.BackwardLayer(slots.Slots, x.View, order.View, weights.View, batch.States.View, batch.StateGradients.View,
                batch.Scratch!.View, windowGradients, net, layers[l], slots);
        kernels.SumWindows(Models * Layout.Count, windowGradients, gradients.View, Layout.Count, batchCount);
    }

    /// <summary>
    /// Head deltas (thread per window), the recurrence backwards (group per window) storing each step's delta,
    /// then one ordered sum per parameter: no per-window gradient rows, no atomics.
    /// </summary>
    void GroupedBackward(ArrayView<float> data, ArrayView<float> targets, ArrayView<int> windowOrder, BatchBuffers buffers, GroupedBatchBuffers groupedBuffers)
    {
        var net = plan.Network;
        var layer = plan.Layers[0];
        grouped.HeadDeltas(batchCount, targets, windowOrder, weights.View, buffers.Outputs.View, groupedBuffers.HeadDeltas!.View,
            groupedBuffers.TopGradient!.View, net, batchStart, batchCount);
        // Wh in shared memory is copied there from the weights; otherwise the kernel reads Whᵀ, transposed for this step's weights.
        var recurrentKernel = weights.View;
        if (!plan.WhInShared)
        {
            recurrentKernel = groupedBuffers.TransposedWh!.View;
            grouped.TransposeRecurrentKernel(layer.Units * layer.Units, weights.View, recurrentKernel, layer);
        }
        grouped.BackwardRecurrence(plan.WhInShared)(GroupPerWindow(plan, batchCount, GroupedBackwardKernel.RecurrenceSharedFloats(layer, plan.WhInShared)),
            recurrentKernel, buffers.States.View, groupedBuffers.TopGradient.View, groupedBuffers.Deltas!.View, net, layer);
        grouped.ReduceGradients(Layout.Count, data, windowOrder, buffers.States.View, groupedBuffers.Deltas.View, groupedBuffers.HeadDeltas.View,
            gradients.View, net, layer, batchStart, batchCount);
    }

    /// <summary>For the training windows' length (before <see cref="SetTrainingData"/>, the spec's): shared memory grows with it.</summary>
    public bool CanTrainEpoch(int batchSize) => plan.UsesEpochKernel(batchSize);

    /// <summary>One epoch in one launch (the epoch kernel, a group per model), where KernelPlan picks it for this batch size.</summary>
    public void TrainEpoch(int batchSize, ReadOnlySpan<AdamStep> adam)
    {
        if (x is null || y is null || order is null) throw new InvalidOperationException("SetTrainingData first");
        if (!CanTrainEpoch(batchSize)) throw new InvalidOperationException($"the epoch kernel does not run batches of {batchSize} here; Trainer.RunEpoch takes the per-batch path");
        int batches = Trainer.StepsPerEpoch(windowCount, batchSize);
        if (adam.Length != batches * Models) throw new ArgumentException($"expected {batches} × {Models} Adam steps, got {adam.Length}");
        // α per batch and model from the trainer's AdamSchedule (float32 as Keras), so both paths step by the same bits.
        var steps = new float[adam.Length];
        for (int i = 0; i < adam.Length; i++)
        {
            if (adam[i] with { Alpha = adam[0].Alpha } != adam[0]) throw new ArgumentException("the models of one engine share Adam's β1, β2 and ε; only α may differ");
            steps[i] = adam[i].Alpha;
        }
        if (epochAlphas is null || epochAlphas.Length < steps.Length)
        {
            epochAlphas?.Dispose();
            epochAlphas = accelerator.Allocate1D<float>(steps.Length);
        }
        ((ArrayView<float>)epochAlphas.View).SubView(0, steps.Length).CopyFromCPU(steps);
        var config = new KernelConfig(Models, plan.EpochThreads, SharedMemoryConfig.RequestDynamic<float>(EpochKernel.SharedFloats(plan.Network, plan.Layers[0])));
        grouped.Epoch(config, x.View, y.View, order.View, weights.View, m.View, v.View, gradients.View, epochAlphas.View, lossSum.View, plan.Network, plan.Layers[0],
            new EpochSchedule(windowCount, batchSize, adam[0].Beta1, adam[0].Beta2, adam[0].Epsilon));
    }

    static KernelConfig GroupPerWindow(KernelPlan plan, int count, int sharedFloats) =>
        new(count, plan.UnitThreads, SharedMemoryConfig.RequestDynamic<float>(sharedFloats));

    public void ApplyAdam(ReadOnlySpan<AdamStep> steps)
    {
        if (steps.Length != Models) throw new ArgumentException($"expected {Models} Adam steps (one per model), got {steps.Length}");
        var shared = steps[0];
        for (int model = 0; model < Models; model++)
        {
            if (steps[model] with { Alpha = shared.Alpha } != shared)
                throw new ArgumentException("the models of one engine share Adam's β1, β2 and ε; only α may differ");
            stepSizes[model] = steps[model].Alpha;
        }
        ((ArrayView<float>)alphas.View).CopyFromCPU(stepSizes);
        kernels.Adam(Models * Layout.Count, weights.View, m.View, v.View, gradients.View, alphas.View, Layout.Count,
            shared.Beta1, shared.Beta2, shared.Epsilon);
    }

    public double[] TakeLossSums()
    {
        var sums = Read(lossSum);
        lossSum.MemSetToZero();
        return [.. sums.Select(sum => (double)sum)];
    }

    public float[] Predict(WindowSet windows)
    {
        Spec.EnsureFits(windows);
        int outputs = Spec.Outputs, total = windows.Count;
        var result = new float[checked(Models * total * outputs)];
        if (total == 0) return result;
        using var windowData = accelerator.Allocate1D(windows.X);
        // One identity order that every model reads (order stride 0).
        using var identity = accelerator.Allocate1D(Enumerable.Range(0, total).ToArray());
        int capacity = Math.Min(total, Math.Max(1, PredictChunk / Models));
        var lengthPlan = PlanFor(windows.TimeSteps);
        using var chunk = new BatchBuffers(accelerator, lengthPlan.Network, BatchBuffers.Checked(Models, capacity), forTraining: false);
        using var groupedChunk = lengthPlan.BatchKernels
            ? new GroupedBatchBuffers(accelerator, lengthPlan.Network, lengthPlan.Layers[0], capacity, forTraining: false, lengthPlan.WhInShared) : null;
        for (int start = 0; start < total; start += capacity)
        {
            int count = Math.Min(capacity, total - start);
            RunForward(lengthPlan, windowData.View, identity.View, chunk, groupedChunk, new BatchSlots(start, count, Models, orderStride: 0));
            // The chunk's outputs are [model × count × outputs]: each model's rows go to its block of the result.
            for (int model = 0; model < Models; model++)
                ((ArrayView<float>)chunk.Outputs.View).SubView(model * count * outputs, count * outputs)
                    .CopyToCPU(result.AsSpan((model * total + start) * outputs, count * outputs));
        }
        return result;
    }

    /// <summary>
    /// Each layer bottom to top, then the head: every slot's window into its state row (slot = model·count + row).
    /// With <paramref name="groupedBuffers"/> (one layer, one model), the input projection of every step first, then a
    /// group per window. <paramref name="data"/> holds windows of <paramref name="lengthPlan"/>'s length, and the buffers
    /// were sized with its shapes.
    /// </summary>
    void RunForward(KernelPlan lengthPlan, ArrayView<float> data, ArrayView<int> windowOrder, BatchBuffers buffers, GroupedBatchBuffers? groupedBuffers, BatchSlots slots)
    {
        var net = lengthPlan.Network;
        if (buffers.TimeSteps != net.TimeSteps) throw new InvalidOperationException($"buffers for windows of {buffers.TimeSteps} steps cannot run windows of {net.TimeSteps}");
        if (groupedBuffers is not null)
        {
            var layer = lengthPlan.Layers[0];
            grouped.InputProjection(slots.Count * net.TimeSteps * layer.Units, data, windowOrder, weights.View, groupedBuffers.Projection.View, net, layer, slots.Start);
            grouped.ForwardRecurrence(lengthPlan.WhInShared)(GroupPerWindow(lengthPlan, slots.Count, GroupedForwardKernel.RecurrenceSharedFloats(layer, lengthPlan.WhInShared)), weights.View,
                groupedBuffers.Projection.View, buffers.States.View, net, layer);
        }
        else
            foreach (var layer in lengthPlan.Layers)
                kernels.ForwardLayer(slots.Slots, data, windowOrder, weights.View, buffers.States.View, net, layer, slots);
        kernels.ForwardHead(slots.Slots, weights.View, buffers.States.View, buffers.Outputs.View, net, slots);
    }

    float[] Read(MemoryBuffer1D<float, Stride1D.Dense> buffer)
    {
        accelerator.Synchronize();
        return buffer.GetAsArray1D();
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        batch?.Dispose();
        groupedBatch?.Dispose();
        epochAlphas?.Dispose();
        x?.Dispose(); y?.Dispose(); order?.Dispose();
        weights.Dispose(); m.Dispose(); v.Dispose(); gradients.Dispose(); lossSum.Dispose(); alphas.Dispose();
        if (ownsDevice) device.Dispose();
    }
}
