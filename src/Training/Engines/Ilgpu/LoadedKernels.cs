using GpuRnn.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// The kernels of one accelerator, each compiled on first use (loading is what compiles: 0.15–0.45 s for the first)
/// and kept: an engine preloads the ones its plan takes in its constructor, so training time excludes compilation.
/// Every launch goes through here and is counted, so tests can check the plan's launch count.
/// </summary>
sealed class LoadedKernels(Accelerator accelerator)
{
    readonly Lazy<Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<LayerShape>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape, TileShape>>[] step =
    [
        new(() => LoadStep(accelerator, TileKernel.StepGlobalWh)),
        new(() => LoadStep(accelerator, TileKernel.Step)),
    ];

    readonly Lazy<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, int, int, int, float, float, float>> sumTiles = new(() => OpenClBuilds.Load(accelerator, () =>
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, float, float, float>(ReduceKernel.SumTiles)));

    readonly Lazy<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<LayerShape>, int, int>> transpose = new(() => OpenClBuilds.Load(accelerator, () =>
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<LayerShape>, int, int>(TileKernel.TransposeRecurrent)));

    readonly Lazy<Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float, float, float>> adam = new(() => OpenClBuilds.Load(accelerator, () =>
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float, float, float>(
            AdamKernel.Step)));

    readonly Lazy<Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape, EpochSchedule>> epoch = new(() => OpenClBuilds.Load(accelerator, () =>
        accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape, EpochSchedule>(EpochKernel.Train)));

    static Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<LayerShape>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape, TileShape> LoadStep(Accelerator accelerator,
        Action<ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<LayerShape>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape, TileShape> kernel) =>
        OpenClBuilds.Load(accelerator, () => accelerator.LoadStreamKernel(kernel));

    /// <summary>Launches made through this object so far.</summary>
    public long Launches { get; private set; }

    /// <summary>Compiles now what a plan takes: the tile kernels (with Wh in shared memory or not), the epoch kernel.</summary>
    public void Preload(bool whInShared, bool epochKernel)
    {
        _ = step[whInShared ? 1 : 0].Value; _ = sumTiles.Value; _ = adam.Value;
        if (!whInShared) _ = transpose.Value;
        if (epochKernel) _ = epoch.Value;
    }

    /// <summary>Compiles every kernel an engine may take: how a device shows it can build them all.</summary>
    public void PreloadAll()
    {
        Preload(whInShared: true, epochKernel: true);
        _ = step[0].Value;
    }

    /// <param name="transposed">Where a training step with Wh in global memory has BPTT read Wh's rows: filled here from the weights first (one more launch).</param>
    public void Step(TileGeometry geometry, ArrayView<float> x, ArrayView<float> y, ArrayView<int> order, ArrayView<float> weights, ArrayView<float> transposed,
        ArrayView<LayerShape> layers, TileBuffers buffers, NetworkShape net, TileShape tile)
    {
        if (!geometry.WhInShared && tile.Train != 0)
        {
            Launches++;
            transpose.Value((int)weights.Length, weights, transposed, layers, net.Layers, net.ParameterCount);
        }
        Launches++;
        step[geometry.WhInShared ? 1 : 0].Value(new KernelConfig(geometry.Groups, geometry.Threads, SharedMemoryConfig.RequestDynamic<float>(geometry.SharedFloats)),
            x, y, order, weights, transposed, layers, buffers.States.View, buffers.StateGradients.View, buffers.Outputs.View, buffers.Partials.View,
            buffers.LossPartials.View, net, tile);
    }

    /// <param name="adamStep">null: the sums only.</param>
    public void SumTiles(int models, int parameterCount, int tilesPerModel, TileBuffers buffers, ArrayView<float> gradients, ArrayView<float> lossSum,
        ArrayView<float> weights, ArrayView<float> m, ArrayView<float> v, ArrayView<float> alphas, AdamStep? adamStep)
    {
        Launches++;
        var a = adamStep ?? default;
        sumTiles.Value(models * parameterCount, buffers.Partials.View, buffers.LossPartials.View, gradients, lossSum, weights, m, v, alphas,
            parameterCount, tilesPerModel, adamStep is null ? 0 : 1, a.Beta1, a.Beta2, a.Epsilon);
    }

    public void Adam(int elements, ArrayView<float> weights, ArrayView<float> m, ArrayView<float> v, ArrayView<float> gradients, ArrayView<float> alphas,
        int parameterCount, AdamStep shared)
    {
        Launches++;
        adam.Value(elements, weights, m, v, gradients, alphas, parameterCount, shared.Beta1, shared.Beta2, shared.Epsilon);
    }

    public void Epoch(KernelConfig config, ArrayView<float> x, ArrayView<float> y, ArrayView<int> order, ArrayView<float> weights, ArrayView<float> m,
        ArrayView<float> v, ArrayView<float> gradients, ArrayView<float> alphas, ArrayView<float> lossSum, NetworkShape net, LayerShape layer, EpochSchedule schedule)
    {
        Launches++;
        epoch.Value(config, x, y, order, weights, m, v, gradients, alphas, lossSum, net, layer, schedule);
    }
}
