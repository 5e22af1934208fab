namespace GpuRnn.Training.Engines;

/// <summary>Which engine trains: <c>auto</c> picks the fastest present.</summary>
public enum EngineKind
{
    Auto,
    Scalar,
    /// <summary>The multi-threaded, vectorised float32 CPU engine (<see cref="FastCpu.FastCpuEngine"/>).</summary>
    Fast,
    Cpu,
    Cuda,
    OpenCL,
}
