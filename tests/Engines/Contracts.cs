namespace GpuRnn.Tests.Engines;

// The engine cases, one line each: every CPU engine (the SIMD ones also at each forced vector width), and every ILGPU kernel choice on every accelerator kind (theory
// data: IlgpuCpu, Cuda, OpenCL, on the collection's one device per kind), runs the whole EngineContract.

public sealed class ScalarFloatContract() : EngineContract<ScalarFloat>(new());
public sealed class ScalarDoubleContract() : EngineContract<ScalarDouble>(new());
public sealed class SimdWindowsInLanesContract() : EngineContract<SimdWindowsInLanes>(new());
public sealed class SimdModelsInLanesContract() : EngineContract<SimdModelsInLanes>(new());
public sealed class SimdWindowsInLanes512Contract() : EngineContract<SimdWindowsInLanes>(new(new SimdWidth(512)));
public sealed class SimdWindowsInLanes256Contract() : EngineContract<SimdWindowsInLanes>(new(new SimdWidth(256)));
public sealed class SimdWindowsInLanes128Contract() : EngineContract<SimdWindowsInLanes>(new(new SimdWidth(128)));
public sealed class SimdModelsInLanes512Contract() : EngineContract<SimdModelsInLanes>(new(new SimdWidth(512)));
public sealed class SimdModelsInLanes256Contract() : EngineContract<SimdModelsInLanes>(new(new SimdWidth(256)));
public sealed class SimdModelsInLanes128Contract() : EngineContract<SimdModelsInLanes>(new(new SimdWidth(128)));

[Collection(nameof(IlgpuAccelerators))] public sealed class IlgpuByShapeContract(AcceleratorContexts devices) : IlgpuContract<KernelChoiceByShape>(new(devices));
[Collection(nameof(IlgpuAccelerators))] public sealed class IlgpuTilesContract(AcceleratorContexts devices) : IlgpuContract<KernelChoiceTiles>(new(devices));
[Collection(nameof(IlgpuAccelerators))] public sealed class IlgpuTilesGlobalWhContract(AcceleratorContexts devices) : IlgpuContract<KernelChoiceTilesGlobalWh>(new(devices));
[Collection(nameof(IlgpuAccelerators))] public sealed class IlgpuEpochKernelContract(AcceleratorContexts devices) : IlgpuContract<KernelChoiceEpochKernel>(new(devices));
