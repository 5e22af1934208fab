using GpuRnn.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// Every reference kernel, compiled and loaded once for one accelerator (loading is what compiles: 0.15–0.45 s for
/// the first, so an engine does it in its constructor and training time excludes it).
/// </summary>
sealed class LoadedKernels(Accelerator accelerator)
{
    public readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape, BatchSlots> ForwardLayer =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape, BatchSlots>(
            ForwardKernel.Layer);

    public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape, BatchSlots> ForwardHead =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape, BatchSlots>(ForwardKernel.DenseHead);

    public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, NetworkShape, BatchSlots> AccumulateLoss =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, NetworkShape, BatchSlots>(
            ForwardKernel.AccumulateLoss);

    public readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, NetworkShape, BatchSlots> BackwardHead =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, NetworkShape, BatchSlots>(BackwardKernel.DenseHead);

    public readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, NetworkShape, LayerShape, BatchSlots> BackwardLayer =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape, BatchSlots>(BackwardKernel.Layer);

    public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> SumWindows =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(BackwardKernel.SumWindows);

    public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float, float, float> Adam =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float, float, float>(
            AdamKernel.Step);
}
