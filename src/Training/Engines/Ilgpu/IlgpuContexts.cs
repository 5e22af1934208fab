using ILGPU;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// One ILGPU context per accelerator kind for the whole process, made on first use and never disposed: a context
/// costs ~0.2 s and its own worker threads, and ILGPU keeps compiled IR in it, so probing and every engine share it.
/// Building a context only enumerates devices (no CUDA context exists until an accelerator is created), so probing
/// through these is cheap after the first call. Accelerators made on them are owned, and disposed, by their users.
/// </summary>
/// <remarks>
/// The price: ILGPU's IR cache in a context grows a little with each accelerator that loads kernels on it (measured:
/// ~5.5 KiB per engine on the CPU accelerator) and is only freed with the context, i.e. at exit. Open one
/// accelerator for many engines (<see cref="EngineMaker"/>) where a process makes thousands.
/// </remarks>
public static class IlgpuContexts
{
    static readonly Slot cpu = new(EngineKind.IlgpuCpu), cuda = new(EngineKind.Cuda), openCl = new(EngineKind.OpenCL);

    /// <summary>The process's context for <paramref name="kind"/> (IlgpuCpu, Cuda or OpenCL); do not dispose it.</summary>
    /// <remarks>
    /// It holds only the devices our kernels can run on (for OpenCL, ILGPU's own filter: OpenCL C 2.0 and the generic
    /// address space). A context with no device of its kind silently holds ILGPU's default CPU device instead: select
    /// devices with <see cref="IlgpuDevices.DevicesOf"/>.
    /// </remarks>
    public static Context For(EngineKind kind) => (kind switch
    {
        EngineKind.IlgpuCpu => cpu,
        EngineKind.Cuda => cuda,
        EngineKind.OpenCL => openCl,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an ILGPU accelerator kind"),
    }).Get();

    /// <summary>A new context of <paramref name="kind"/>'s devices, the one <see cref="For"/> keeps; the caller owns it.</summary>
    internal static Context Build(EngineKind kind)
    {
        NativeLibraries.Register(); // before ILGPU first binds the driver, or libcuda.so.1-only machines show no device
        return kind switch
        {
            EngineKind.IlgpuCpu => Context.Create(b => b.DefaultCPU().EnableAlgorithms()),
            EngineKind.Cuda => Context.Create(b => b.Cuda().EnableAlgorithms()),
            EngineKind.OpenCL => Context.Create(b => b.OpenCL().EnableAlgorithms()),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an ILGPU accelerator kind"),
        };
    }

    /// <summary>
    /// Builds its context once, under a lock of its own (kinds do not wait for each other); a failed build is not
    /// remembered, so the next call tries again rather than repeating a stale exception.
    /// </summary>
    sealed class Slot(EngineKind kind)
    {
        readonly Lock gate = new();
        Context? context;

        public Context Get()
        {
            if (Volatile.Read(ref context) is { } built) return built;
            lock (gate)
            {
                if (context is null) Volatile.Write(ref context, Build(kind));
                return context;
            }
        }
    }
}
