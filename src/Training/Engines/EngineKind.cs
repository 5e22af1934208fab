using System.ComponentModel;

namespace GpuRnn.Training.Engines;

/// <summary>Which engine trains: <c>auto</c> picks the fastest present (see <see cref="EngineFactory.Resolve"/>).</summary>
public enum EngineKind
{
    Auto,
    /// <summary>The single-threaded reference engine, <see cref="ScalarEngine{T}"/>.</summary>
    Scalar,
    /// <summary>The multi-threaded SIMD CPU engine (<see cref="FastCpu.FastCpuEngine"/>, <see cref="FastCpu.ModelLanesEngine"/> for several models).</summary>
    Simd,
    /// <summary>ILGPU's CPU accelerator: the kernels in a simulator, for checking them, not for speed.</summary>
    IlgpuCpu,
    Cuda,
    OpenCL,

    /// <summary>The old name of <see cref="Simd"/>, kept so that code written against it still builds.</summary>
    [Obsolete("use EngineKind.Simd"), EditorBrowsable(EditorBrowsableState.Never)]
    Fast = Simd,

    /// <summary>The old name of <see cref="IlgpuCpu"/>, kept so that code written against it still builds.</summary>
    [Obsolete("use EngineKind.IlgpuCpu"), EditorBrowsable(EditorBrowsableState.Never)]
    Cpu = IlgpuCpu,
}
