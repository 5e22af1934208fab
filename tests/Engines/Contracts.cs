namespace GpuRnn.Tests.Engines;

// The engine cases, one line each: every CPU engine, and every ILGPU kernel choice on every accelerator kind (theory
// data: IlgpuCpu, Cuda, OpenCL, on the collection's one device per kind), runs the whole EngineContract.

public sealed class ScalarFloatContract() : EngineContract<ScalarFloat>(new());
public sealed class ScalarDoubleContract() : EngineContract<ScalarDouble>(new());
public sealed class SimdWindowsInLanesContract() : EngineContract<SimdWindowsInLanes>(new());
public sealed class SimdModelsInLanesContract() : EngineContract<SimdModelsInLanes>(new());

[Collection(nameof(IlgpuAccelerators))] public sealed class IlgpuByShapeContract(AcceleratorContexts devices) : EngineContract<KernelChoiceByShape>(new(devices));
[Collection(nameof(IlgpuAccelerators))] public sealed class IlgpuReferenceContract(AcceleratorContexts devices) : EngineContract<KernelChoiceReference>(new(devices));
[Collection(nameof(IlgpuAccelerators))] public sealed class IlgpuGroupedContract(AcceleratorContexts devices) : EngineContract<KernelChoiceGrouped>(new(devices));
[Collection(nameof(IlgpuAccelerators))] public sealed class IlgpuGroupedGlobalWhContract(AcceleratorContexts devices) : EngineContract<KernelChoiceGroupedGlobalWh>(new(devices));
