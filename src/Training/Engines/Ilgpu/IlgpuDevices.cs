using System.ComponentModel;
using ILGPU;
using ILGPU.Backends.OpenCL;
using ILGPU.Runtime;
using ILGPU.Runtime.OpenCL;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>One device as ILGPU reports it, and whether GpuRnn can train on it (if not, why).</summary>
public sealed record DeviceReport(EngineKind Kind, string Name, long MemoryBytes, int MaxGroupSize, int WarpSize, string? Problem)
{
    public bool Usable => Problem is null;
}

/// <summary>
/// Finds ILGPU devices per kind and explains, in one line, why a kind has none that can run our kernels. Probing only
/// enumerates devices, in the process's shared contexts (<see cref="IlgpuContexts"/>): it creates no accelerator,
/// hence no CUDA context, and each answer is worked out once per process (devices do not come and go while it runs).
/// </summary>
public static class IlgpuDevices
{
    static readonly Lazy<IReadOnlyList<Device>> usableCpu = Once(() => DevicesOf(IlgpuContexts.For(EngineKind.IlgpuCpu), EngineKind.IlgpuCpu));
    static readonly Lazy<IReadOnlyList<Device>> usableCuda = Once(() => DriverDevices(EngineKind.Cuda, NativeLibraries.CudaDriver));
    static readonly Lazy<IReadOnlyList<Device>> usableOpenCl = Once<IReadOnlyList<Device>>(() =>
        [.. DriverDevices(EngineKind.OpenCL, NativeLibraries.OpenClLoader).Where(d => d is CLDevice cl && OpenClBuilds.Problem(cl) is null)]);
    /// <summary>
    /// Every OpenCL device, usable or not, to say why one is not. Enumerated outside any context: the shared one holds
    /// only the devices ILGPU accepts.
    /// </summary>
    static readonly Lazy<IReadOnlyList<CLDevice>> everyOpenCl = Once<IReadOnlyList<CLDevice>>(() =>
    {
        NativeLibraries.Register();
        return NativeLibraries.CanLoad(NativeLibraries.OpenClLoader) ? [.. CLDevice.GetDevices(_ => true).Cast<CLDevice>()] : [];
    });
    static readonly Lazy<IReadOnlyList<DeviceReport>> listed = Once(Probe);

    /// <summary>A new context holding only the usable devices of <paramref name="kind"/> (maybe none); the caller disposes it.</summary>
    [Obsolete("use IlgpuContexts.For: one shared context per kind and process (each context costs ~0.2 s and threads)"), EditorBrowsable(EditorBrowsableState.Never)]
    public static Context CreateContext(EngineKind kind) => IlgpuContexts.Build(kind);

    /// <summary>
    /// The devices of <paramref name="kind"/> in a context. Filtering matters: a context built with no device of
    /// the asked kind silently holds ILGPU's default CPU device instead.
    /// </summary>
    public static IReadOnlyList<Device> DevicesOf(Context context, EngineKind kind)
    {
        var type = kind switch
        {
            EngineKind.IlgpuCpu => AcceleratorType.CPU,
            EngineKind.Cuda => AcceleratorType.Cuda,
            EngineKind.OpenCL => AcceleratorType.OpenCL,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an ILGPU accelerator kind"),
        };
        return [.. context.Devices.Where(d => d.AcceleratorType == type)];
    }

    /// <summary>The devices of <paramref name="kind"/> our kernels can run on, in the kind's shared context (maybe none).</summary>
    internal static IReadOnlyList<Device> Usable(EngineKind kind) => kind switch
    {
        EngineKind.IlgpuCpu => usableCpu.Value,
        EngineKind.Cuda => usableCuda.Value,
        EngineKind.OpenCL => usableOpenCl.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an ILGPU accelerator kind"),
    };

    /// <summary>Every device of every kind, usable or not; an empty kind is listed by <see cref="WhyNone"/> instead.</summary>
    public static IReadOnlyList<DeviceReport> List() => listed.Value;

    /// <summary>The kind of the first GPU that can train: CUDA first, then an OpenCL GPU; null when none.</summary>
    public static EngineKind? BestGpu()
    {
        if (Has(EngineKind.Cuda)) return EngineKind.Cuda;
        // GPUs first, then the build check: a CPU OpenCL device never wins, so it is not made to compile our kernels.
        var openClGpus = DriverDevices(EngineKind.OpenCL, NativeLibraries.OpenClLoader).OfType<CLDevice>().Where(d => d.DeviceType.HasFlag(CLDeviceType.CL_DEVICE_TYPE_GPU));
        if (openClGpus.Any(d => OpenClBuilds.Problem(d) is null)) return EngineKind.OpenCL;
        return null;
    }

    /// <summary>Whether <paramref name="kind"/> has a device our kernels can run on (the CPU accelerator always does).</summary>
    public static bool Has(EngineKind kind) => kind == EngineKind.IlgpuCpu || Usable(kind).Count > 0;

    /// <summary>One line saying why <paramref name="kind"/> has no usable device here.</summary>
    public static string WhyNone(EngineKind kind)
    {
        switch (kind)
        {
            case EngineKind.Cuda:
                return NativeLibraries.CanLoad(NativeLibraries.CudaDriver)
                    ? "no CUDA device: ILGPU found none (the CUDA driver loaded but reports no device)"
                    : $"no CUDA device: ILGPU found none ({NativeLibraries.CudaDriver} not loadable)";
            case EngineKind.OpenCL:
                if (!NativeLibraries.CanLoad(NativeLibraries.OpenClLoader))
                    return $"no OpenCL device: ILGPU found none ({NativeLibraries.OpenClLoader} not loadable)";
                var reasons = everyOpenCl.Value.Select(d => $"'{d.Name}' ({d.PlatformName}): {OpenClProblem(d) ?? "usable"}").ToList();
                if (reasons.Count == 0) return $"no OpenCL device: {NativeLibraries.OpenClLoader} loads but lists no platform with a device (no ICD installed in /etc/OpenCL/vendors?)";
                return $"no usable OpenCL device: ILGPU cannot run kernels on {string.Join("; ", reasons)}";
            default:
                return $"no {EngineNames.Of(kind)} device";
        }
    }

    static IReadOnlyList<DeviceReport> Probe()
    {
        var reports = new List<DeviceReport>();
        foreach (var d in Usable(EngineKind.IlgpuCpu)) reports.Add(Report(EngineKind.IlgpuCpu, d, null));
        foreach (var d in Usable(EngineKind.Cuda)) reports.Add(Report(EngineKind.Cuda, d, null));
        foreach (var d in everyOpenCl.Value) reports.Add(Report(EngineKind.OpenCL, d, OpenClProblem(d)));
        return reports;
    }

    /// <summary>
    /// A GPU kind's usable devices; where its driver library does not load there are none, and no context is built
    /// (0.2 s and a pool of threads saved on every machine without that GPU).
    /// </summary>
    static IReadOnlyList<Device> DriverDevices(EngineKind kind, string library)
    {
        NativeLibraries.Register();
        return NativeLibraries.CanLoad(library) ? DevicesOf(IlgpuContexts.For(kind), kind) : [];
    }

    /// <summary>Computed once; a probe that throws is not remembered, so a later call tries again.</summary>
    static Lazy<T> Once<T>(Func<T> probe) => new(probe, LazyThreadSafetyMode.PublicationOnly);

    /// <summary>
    /// Why a device cannot run our kernels: ILGPU's OpenCL backend needs OpenCL C 2.0 and the generic address space,
    /// and the device's compiler must then build them (<see cref="OpenClBuilds"/>); null if it can.
    /// </summary>
    static string? OpenClProblem(CLDevice device)
    {
        var problems = new List<string>();
        if (device.CLStdVersion < CLBackend.MinimumVersion) problems.Add($"OpenCL C {device.CLStdVersion} is older than {CLBackend.MinimumVersion}");
        if (!device.Capabilities.GenericAddressSpace) problems.Add("no generic address space (ILGPU requires it; Debian's pocl lacks it)");
        return problems.Count == 0 ? OpenClBuilds.Problem(device) : string.Join(", ", problems);
    }

    static DeviceReport Report(EngineKind kind, Device d, string? problem) =>
        new(kind, d.Name, d.MemorySize, d.MaxNumThreadsPerGroup, d.WarpSize, problem);
}
