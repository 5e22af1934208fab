using GpuRnn.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GpuRnn.Training.Sweep.Ilgpu;

/// <summary>The two sweep kernels, compiled and loaded once per accelerator (loading is what compiles, and is slow).</summary>
sealed class SweepKernels(Accelerator accelerator)
{
    public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, SweepShape, int, int> ForwardBackward =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, SweepShape, int, int>(SweepBackwardKernel.Window);

    public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, SweepShape,
        int, int, int, float, float, float> Adam =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            SweepShape, int, int, int, float, float, float>(SweepAdamKernel.Step);
}
