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
/// kernels are in GpuRnn.Kernels; this class owns their device memory and launch order, and KernelPlan decides
/// which run: a training step is two launches (<see cref="TileKernel"/>: forward, loss, BPTT and per-tile gradient
/// partials of every model's batch; <see cref="ReduceKernel"/>: the ordered sum over tiles and Adam; with Wh in
/// global memory a third comes first, <see cref="TileKernel.TransposeRecurrent"/>), and small
/// batches of a one-layer network train a whole epoch in one launch of the epoch kernel.
/// </summary>
/// <remarks>
/// Forward launches the whole step but the reduction; Backward therefore has nothing left to launch, and the
/// reduction runs fused with Adam in ApplyAdam, or alone when the gradients or the loss are read first.
/// </remarks>
public sealed class IlgpuEngine : IEpochEngine
{
    /// <summary>Windows per predict launch: bounds the state memory Predict allocates for a large window set.</summary>
    const int PredictChunk = 8192;

    readonly IlgpuAccelerator device;
    readonly bool ownsDevice;
    readonly Accelerator accelerator;
    readonly LoadedKernels kernels;
    readonly IlgpuKernelChoice choice;
    readonly DeviceLimits limits;
    /// <summary>
    /// Kernels and shapes for the training windows' length (the spec's until <see cref="SetTrainingData"/>), with its
    /// layer shapes on the device: what Forward, TrainEpoch and the tile buffers use. Predict makes its own for
    /// windows of another length.
    /// </summary>
    KernelPlan plan;
    MemoryBuffer1D<LayerShape, Stride1D.Dense> layers;
    /// <summary>
    /// [model × parameter] (weights, m, v, gradients; transposedWh: each layer's Wh transposed where it lies in the
    /// weights, which a training step with Wh in global memory fills first); lossSum and alphas (this step's α) one per model.
    /// </summary>
    readonly MemoryBuffer1D<float, Stride1D.Dense> weights, transposedWh, m, v, gradients, lossSum, alphas;
    MemoryBuffer1D<float, Stride1D.Dense>? x, y;
    MemoryBuffer1D<int, Stride1D.Dense>? order;
    TileBuffers? batch;
    PredictBuffers? predict;
    MemoryBuffer1D<float, Stride1D.Dense>? epochAlphas;
    /// <summary>Host copy of <see cref="alphas"/>, reused every step.</summary>
    readonly float[] stepSizes;
    int windowCount;
    /// <summary>Each model trains on its own block of the resident windows (<see cref="SetTrainingDataPerModel"/>).</summary>
    bool ownWindows;
    /// <summary>The last Forward's tiles, whose partials (gradients, loss) are not summed yet while <see cref="pending"/>.</summary>
    TileGeometry lastTiles;
    bool forwarded, pending, disposed;

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

    /// <summary>As <see cref="Create(IlgpuAccelerator, ModelSpec, int)"/>, with the kernel variant forced: tests and bench's kernel harness run every variant on one opened device.</summary>
    public static IlgpuEngine Create(IlgpuAccelerator device, ModelSpec spec, IlgpuKernelChoice kernels, int models = 1)
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
        limits = DeviceLimits.Of(accelerator);
        try
        {
            // Compile what this engine may take for windows of the spec's length now, so that training time excludes
            // compilation (SetTrainingData compiles any more that other lengths take).
            plan = PlanFor(spec.TimeSteps);
            Preload(plan);
            layers = accelerator.Allocate1D(plan.Layers);
            long parameters = TileBuffers.Checked(models, Layout.Count);
            weights = accelerator.Allocate1D<float>(parameters);
            transposedWh = accelerator.Allocate1D<float>(parameters);
            m = accelerator.Allocate1D<float>(parameters);
            v = accelerator.Allocate1D<float>(parameters);
            gradients = accelerator.Allocate1D<float>(parameters);
            lossSum = accelerator.Allocate1D<float>(models);
            alphas = accelerator.Allocate1D<float>(models);
            foreach (var buffer in new[] { weights, transposedWh, m, v, gradients, lossSum, alphas }) buffer.MemSetToZero();
            accelerator.Synchronize();
        }
        catch
        {
            // The device is the caller's to close (Create closes one it opened); the buffers made so far are ours.
            layers?.Dispose();
            foreach (var buffer in new[] { weights, transposedWh, m, v, gradients, lossSum, alphas }) buffer?.Dispose();
            throw;
        }
    }

    public string Name { get; }
    public ModelSpec Spec { get; }
    public ParameterLayout Layout { get; }
    public int Models { get; }

    /// <summary>What this engine launches for its training windows' length.</summary>
    public KernelPlan Plan => plan;

    /// <summary>Kernel launches on this engine's device so far (every engine on it counts).</summary>
    internal long Launches => kernels.Launches;

    /// <summary>Kernels and shapes for windows of <paramref name="timeSteps"/> steps: the training plan for its length, a fresh one otherwise.</summary>
    KernelPlan PlanFor(int timeSteps) =>
        plan is not null && plan.TimeSteps == timeSteps ? plan : new KernelPlan(limits, Layout, timeSteps, Models, choice);

    void Preload(KernelPlan p) => kernels.Preload(p.Tiles(1).WhInShared, p.EpochKernelFits);

    public void SetTrainingData(WindowSet windows) => KeepTrainingData(windows, perModel: false);

    /// <summary>Every model's block on the device; a model's order entries are offset to its block, so the kernels index as ever.</summary>
    public void SetTrainingDataPerModel(WindowSet windows) => KeepTrainingData(windows, perModel: true);

    void KeepTrainingData(WindowSet windows, bool perModel)
    {
        Spec.EnsureFits(windows);
        if (windows.Count == 0) throw new GpuRnnInputException("there are no training windows");
        x?.Dispose(); y?.Dispose(); order?.Dispose();
        if (windows.TimeSteps != plan.TimeSteps)
        {
            plan = PlanFor(windows.TimeSteps);
            Preload(plan); // before training, like the constructor's
            layers.Dispose();
            layers = accelerator.Allocate1D(plan.Layers);
            // Sized for the old length: Forward allocates them anew.
            batch?.Dispose();
            batch = null;
            forwarded = pending = false;
        }
        x = accelerator.Allocate1D(windows.X);
        y = accelerator.Allocate1D(windows.Y);
        // Until SetOrder, every model visits the windows in their given order.
        windowCount = perModel ? this.WindowsPerModel(windows) : windows.Count;
        ownWindows = perModel;
        order = accelerator.Allocate1D<int>(TileBuffers.Checked(Models, windowCount));
        var identity = new int[Models * windowCount];
        for (int model = 0; model < Models; model++)
            for (int i = 0; i < windowCount; i++) identity[model * windowCount + i] = i;
        SetOrder(identity);
    }

    public void SetParameters(ReadOnlySpan<float> parameters)
    {
        if (parameters.Length != Models * Layout.Count) throw new ArgumentException($"expected {Models} × {Layout.Count} parameters, got {parameters.Length}");
        SumPendingTiles(); // the loss of a batch already forwarded still counts
        ((ArrayView<float>)weights.View).CopyFromCPU(parameters);
        m.MemSetToZero(); v.MemSetToZero(); gradients.MemSetToZero();
    }

    public float[] GetParameters() => Read(weights);

    public float[] GetGradients()
    {
        SumPendingTiles();
        return Read(gradients);
    }

    public void SetOrder(ReadOnlySpan<int> newOrder)
    {
        if (order is null) throw new InvalidOperationException("SetTrainingData first");
        if (newOrder.Length != Models * windowCount) throw new ArgumentException("the orders must cover every training window of every model");
        if (!ownWindows)
        {
            ((ArrayView<int>)order.View).CopyFromCPU(newOrder);
            return;
        }
        var offset = newOrder.ToArray();
        for (int i = 0; i < offset.Length; i++) offset[i] += i / windowCount * windowCount;
        ((ArrayView<int>)order.View).CopyFromCPU(offset);
    }

    /// <summary>The whole step but the reduction: forward, loss, BPTT and each tile's gradient partials, in one launch.</summary>
    public void Forward(int start, int count)
    {
        if (x is null || y is null || order is null) throw new InvalidOperationException("SetTrainingData first");
        if (start < 0 || count < 1 || start + count > windowCount) throw new ArgumentOutOfRangeException(nameof(count));
        SumPendingTiles(); // a batch forwarded but never stepped still adds its loss
        var tiles = plan.Tiles(count);
        long slots = TileBuffers.Checked(Models, count);
        if (batch is null || !batch.Fit((int)slots, tiles.Groups, plan.TimeSteps))
        {
            batch?.Dispose();
            batch = null;
            batch = new TileBuffers(accelerator, plan.Network, (int)slots, tiles.Groups, forTraining: true);
        }
        kernels.Step(tiles, x.View, y.View, order.View, weights.View, transposedWh.View, layers.View, batch, plan.Network, tiles.Shape(start, count, windowCount, train: true));
        lastTiles = tiles;
        forwarded = pending = true;
    }

    /// <summary>Nothing left to launch: Forward's step computed every tile's share of the gradients.</summary>
    public void Backward()
    {
        if (!forwarded) throw new InvalidOperationException("Forward first");
    }

    /// <summary>Sums the last Forward's tiles into the gradients and loss sums, unless done already.</summary>
    void SumPendingTiles()
    {
        if (!pending) return;
        kernels.SumTiles(Models, Layout.Count, lastTiles.TilesPerModel, batch!, gradients.View, lossSum.View, weights.View, m.View, v.View, alphas.View, adamStep: null);
        pending = false;
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
        SumPendingTiles();
        var config = new KernelConfig(Models, plan.EpochThreads, SharedMemoryConfig.RequestDynamic<float>(EpochKernel.SharedFloats(plan.Network, plan.Layers[0])));
        kernels.Epoch(config, x.View, y.View, order.View, weights.View, m.View, v.View, gradients.View, epochAlphas.View, lossSum.View, plan.Network, plan.Layers[0],
            new EpochSchedule(windowCount, batchSize, adam[0].Beta1, adam[0].Beta2, adam[0].Epsilon));
    }

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
        if (pending)
        {
            kernels.SumTiles(Models, Layout.Count, lastTiles.TilesPerModel, batch!, gradients.View, lossSum.View, weights.View, m.View, v.View, alphas.View, shared);
            pending = false;
        }
        else
            kernels.Adam(Models * Layout.Count, weights.View, m.View, v.View, gradients.View, alphas.View, Layout.Count, shared);
    }

    public double[] TakeLossSums()
    {
        SumPendingTiles();
        var sums = Read(lossSum);
        lossSum.MemSetToZero();
        return [.. sums.Select(sum => (double)sum)];
    }

    public float[] Predict(WindowSet windows) => Predict(windows, perModel: false);

    /// <summary>Each model reads its own block through the order (model m's entries are m·n + i), as in training.</summary>
    public float[] PredictPerModel(WindowSet windows) => Predict(windows, perModel: true);

    /// <summary>Every model on every window, or (<paramref name="perModel"/>) each on its own block of n = count / M.</summary>
    float[] Predict(WindowSet windows, bool perModel)
    {
        Spec.EnsureFits(windows);
        int outputs = Spec.Outputs, total = perModel ? this.WindowsPerModel(windows) : windows.Count;
        var result = new float[checked(Models * total * outputs)];
        if (total == 0) return result;
        var resident = Resident(windows, perModel);
        for (int start = 0; start < total; start += resident.Capacity)
        {
            int count = Math.Min(resident.Capacity, total - start);
            var tiles = resident.Plan.Tiles(count, train: false);
            kernels.Step(tiles, resident.X.View, resident.X.View, resident.Order.View, weights.View, transposedWh.View, resident.Layers.View, resident.Chunk, resident.Plan.Network,
                tiles.Shape(start, count, orderStride: perModel ? total : 0, train: false));
            // The chunk's outputs are [model × count × outputs]: each model's rows go to its block of the result.
            for (int model = 0; model < Models; model++)
                ((ArrayView<float>)resident.Chunk.Outputs.View).SubView(model * count * outputs, count * outputs)
                    .CopyToCPU(result.AsSpan((model * total + start) * outputs, count * outputs));
        }
        return result;
    }

    /// <summary>
    /// The device copy of windows to predict, kept while the same window set comes back (the trainer's validation
    /// windows, every epoch), with a chunk of tile buffers sized so that no buffer outgrows the kernels' 32-bit
    /// indices: a long window set is predicted in smaller chunks, never refused.
    /// </summary>
    PredictBuffers Resident(WindowSet windows, bool perModel)
    {
        if (predict is not null && ReferenceEquals(predict.Windows, windows) && predict.PerModel == perModel) return predict;
        predict?.Dispose();
        predict = null;
        var lengthPlan = PlanFor(windows.TimeSteps);
        var net = lengthPlan.Network;
        long widest = Math.Max(Math.Max(net.StateStride, net.Outputs), 1);
        int capacity = (int)Math.Min(Math.Min(perModel ? this.WindowsPerModel(windows) : windows.Count, Math.Max(1, PredictChunk / Models)), int.MaxValue / (widest * Models));
        if (capacity < 1) throw new GpuRnnInputException($"{Models} models' states of {widest} floats per window are more than the kernels can index");
        predict = new PredictBuffers(accelerator, windows, lengthPlan, capacity, Models, perModel);
        return predict;
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
        predict?.Dispose();
        epochAlphas?.Dispose();
        layers.Dispose();
        x?.Dispose(); y?.Dispose(); order?.Dispose();
        weights.Dispose(); transposedWh.Dispose(); m.Dispose(); v.Dispose(); gradients.Dispose(); lossSum.Dispose(); alphas.Dispose();
        if (ownsDevice) device.Dispose();
    }
}
