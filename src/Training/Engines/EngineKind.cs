namespace GpuRnn.Training.Engines;

/// <summary>Which engine trains: <c>auto</c> picks the fastest present.</summary>
public enum EngineKind
{
    Auto,
    Scalar,
    Cpu,
    Cuda,
    OpenCL,
}
