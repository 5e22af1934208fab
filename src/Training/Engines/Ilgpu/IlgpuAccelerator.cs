using ILGPU.Runtime;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// One ILGPU device opened once: its accelerator (on the process's shared context of its kind) and compiled kernels.
/// An engine opens its own; a sweep opens one and makes every shape's engine on it, so the kernels compile once and
/// one device context serves them all (each engine still owns its buffers).
/// </summary>
public sealed class IlgpuAccelerator : IDisposable
{
    IlgpuAccelerator(EngineKind kind, Accelerator accelerator)
    {
        Kind = kind;
        Accelerator = accelerator;
        Kernels = new LoadedKernels(accelerator);
    }

    public EngineKind Kind { get; }
    internal Accelerator Accelerator { get; }
    internal LoadedKernels Kernels { get; }

    /// <summary>The first usable device of <paramref name="kind"/> (IlgpuCpu, Cuda or OpenCL).</summary>
    /// <exception cref="GpuRnnInputException">No such device here; the message says why.</exception>
    public static IlgpuAccelerator Open(EngineKind kind)
    {
        var devices = IlgpuDevices.Usable(kind);
        if (devices.Count == 0) throw new GpuRnnInputException(IlgpuDevices.WhyNone(kind));
        // Creating the accelerator is what creates a CUDA context; the ILGPU context is the kind's, shared.
        return new IlgpuAccelerator(kind, devices[0].CreateAccelerator(IlgpuContexts.For(kind)));
    }

    /// <summary>Releases the accelerator (device memory, CUDA context, worker threads); the shared context stays.</summary>
    public void Dispose() => Accelerator.Dispose();
}
