using GpuRnn.Training.Engines;

namespace GpuRnn.Tests.Accelerators;

/// <summary>ILGPU's CPU accelerator, present everywhere.</summary>
public sealed class CpuAcceleratorTests : AcceleratorTests
{
    protected override EngineKind Kind => EngineKind.Cpu;

    /// <summary>The same .NET float operations as the scalar engine; only the order of the per-window gradient sums differs.</summary>
    protected override float Tolerance => 1e-5f;
}

/// <summary>CUDA; skipped, with ILGPU's reason, where there is no CUDA device.</summary>
public sealed class CudaAcceleratorTests : AcceleratorTests
{
    protected override EngineKind Kind => EngineKind.Cuda;

    /// <summary>CUDA computes float tanh with tanh.approx.f32 (about 2⁻¹¹ relative error) and may fuse multiply-adds.</summary>
    protected override float Tolerance => 1e-3f;
}

/// <summary>OpenCL 2.0+ devices with the generic address space; skipped, with the reason, elsewhere (e.g. pocl).</summary>
public sealed class OpenClAcceleratorTests : AcceleratorTests
{
    protected override EngineKind Kind => EngineKind.OpenCL;

    /// <summary>OpenCL allows a few ulp in tanh/exp and contracts a·b + c into fma by default.</summary>
    protected override float Tolerance => 1e-3f;
}
