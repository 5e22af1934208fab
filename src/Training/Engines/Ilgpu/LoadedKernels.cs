using GpuRnn.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// Every kernel, compiled and loaded once for one accelerator (loading is what compiles: 0.15–0.45 s for the
/// first, so an engine does it in its constructor and training time excludes it).
/// </summary>
sealed class LoadedKernels(Accelerator accelerator)
{
    public readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape, int> ForwardLayer =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape, int>(
            ForwardKernel.Layer);

    public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape> ForwardHead =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, NetworkShape>(ForwardKernel.DenseHead);

    public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, NetworkShape, int, int> AccumulateLoss =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, NetworkShape, int, int>(
            ForwardKernel.AccumulateLoss);

    public readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, NetworkShape, int, int> BackwardHead =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, NetworkShape, int, int>(BackwardKernel.DenseHead);

    public readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, NetworkShape, LayerShape, int> BackwardLayer =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, NetworkShape, LayerShape, int>(BackwardKernel.Layer);

    public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> SumWindows =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(BackwardKernel.SumWindows);

    public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float, float> Adam =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float, float>(
            AdamKernel.Step);
}
