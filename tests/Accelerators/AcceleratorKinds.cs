namespace GpuRnn.Tests.Accelerators;

// Every per-accelerator test body runs once per kind: ILGPU's CPU accelerator (present everywhere), CUDA and OpenCL
// (skipped, with ILGPU's reason, where the machine has no such device). Tolerances come from AcceleratorTable.

public sealed class CpuAcceleratorTests() : AcceleratorTests(EngineKind.IlgpuCpu);
public sealed class CudaAcceleratorTests() : AcceleratorTests(EngineKind.Cuda);
public sealed class OpenClAcceleratorTests() : AcceleratorTests(EngineKind.OpenCL);

public sealed class CpuGroupedKernelTests() : GroupedKernelTests(EngineKind.IlgpuCpu);
public sealed class CudaGroupedKernelTests() : GroupedKernelTests(EngineKind.Cuda);
public sealed class OpenClGroupedKernelTests() : GroupedKernelTests(EngineKind.OpenCL);

[Collection(nameof(EngineLifecycle))] public sealed class CpuEngineLifecycleTests() : EngineLifecycleTests(EngineKind.IlgpuCpu);
[Collection(nameof(EngineLifecycle))] public sealed class CudaEngineLifecycleTests() : EngineLifecycleTests(EngineKind.Cuda);
[Collection(nameof(EngineLifecycle))] public sealed class OpenClEngineLifecycleTests() : EngineLifecycleTests(EngineKind.OpenCL);
