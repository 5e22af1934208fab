using ILGPU;
using ILGPU.Runtime;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// One ILGPU device opened once: its context, accelerator and compiled kernels. An engine opens its own; a sweep
/// opens one and makes every shape's engine on it, so the kernels compile once and one device context serves them
/// all (each engine still owns its buffers).
/// </summary>
public sealed class IlgpuAccelerator : IDisposable
{
    IlgpuAccelerator(EngineKind kind, Context context, Accelerator accelerator)
    {
        Kind = kind;
        Context = context;
        Accelerator = accelerator;
        Kernels = new LoadedKernels(accelerator);
    }

    public EngineKind Kind { get; }
    internal Context Context { get; }
    internal Accelerator Accelerator { get; }
    internal LoadedKernels Kernels { get; }

    /// <summary>The first usable device of <paramref name="kind"/> (IlgpuCpu, Cuda or OpenCL).</summary>
    /// <exception cref="GpuRnnInputException">No such device here; the message says why.</exception>
    public static IlgpuAccelerator Open(EngineKind kind)
    {
        var context = IlgpuDevices.CreateContext(kind);
        Accelerator? accelerator = null;
        try
        {
            var devices = IlgpuDevices.DevicesOf(context, kind);
            if (devices.Count == 0) throw new GpuRnnInputException(IlgpuDevices.WhyNone(kind));
            accelerator = devices[0].CreateAccelerator(context);
            return new IlgpuAccelerator(kind, context, accelerator);
        }
        catch
        {
            accelerator?.Dispose();
            context.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }
}
