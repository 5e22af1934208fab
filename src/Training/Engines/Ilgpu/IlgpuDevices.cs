using ILGPU;
using ILGPU.Backends.OpenCL;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>One device as ILGPU reports it, and whether GpuRnn can train on it (if not, why).</summary>
public sealed record DeviceReport(EngineKind Kind, string Name, long MemoryBytes, int MaxGroupSize, int WarpSize, string? Problem)
{
    public bool Usable => Problem is null;
}

/// <summary>Finds ILGPU devices per kind and explains, in one line, why a kind has none that can run our kernels.</summary>
public static class IlgpuDevices
{
    /// <summary>A context holding only the usable devices of <paramref name="kind"/> (maybe none).</summary>
    public static Context CreateContext(EngineKind kind)
    {
        NativeLibraries.Register();
        return kind switch
        {
            EngineKind.IlgpuCpu => Context.Create(b => b.DefaultCPU().EnableAlgorithms()),
            EngineKind.Cuda => Context.Create(b => b.Cuda().EnableAlgorithms()),
            EngineKind.OpenCL => Context.Create(b => b.OpenCL().EnableAlgorithms()),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an ILGPU accelerator kind"),
        };
    }

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

    /// <summary>Every device of every kind, usable or not; an empty kind is listed by <see cref="WhyNone"/> instead.</summary>
    public static IReadOnlyList<DeviceReport> List()
    {
        NativeLibraries.Register();
        var reports = new List<DeviceReport>();
        using (var cpu = Context.Create(b => b.DefaultCPU()))
            foreach (var d in DevicesOf(cpu, EngineKind.IlgpuCpu)) reports.Add(Report(EngineKind.IlgpuCpu, d, null));
        if (NativeLibraries.CanLoad(NativeLibraries.CudaDriver))
            using (var cuda = Context.Create(b => b.Cuda()))
                foreach (var d in DevicesOf(cuda, EngineKind.Cuda)) reports.Add(Report(EngineKind.Cuda, d, null));
        if (NativeLibraries.CanLoad(NativeLibraries.OpenClLoader))
            using (var cl = Context.Create(b => b.OpenCL(_ => true)))
                foreach (var d in cl.GetCLDevices()) reports.Add(Report(EngineKind.OpenCL, d, OpenClProblem(d)));
        return reports;
    }

    /// <summary>The kind of the first GPU that can train: CUDA first, then an OpenCL GPU; null when none.</summary>
    public static EngineKind? BestGpu()
    {
        NativeLibraries.Register();
        if (NativeLibraries.CanLoad(NativeLibraries.CudaDriver))
            using (var cuda = Context.Create(b => b.Cuda()))
                if (DevicesOf(cuda, EngineKind.Cuda).Count > 0) return EngineKind.Cuda;
        if (NativeLibraries.CanLoad(NativeLibraries.OpenClLoader))
            using (var cl = Context.Create(b => b.OpenCL()))
                foreach (var d in cl.GetCLDevices())
                    if (d.DeviceType.HasFlag(CLDeviceType.CL_DEVICE_TYPE_GPU)) return EngineKind.OpenCL;
        return null;
    }

    /// <summary>Whether <paramref name="kind"/> has a device our kernels can run on (the CPU accelerator always does).</summary>
    public static bool Has(EngineKind kind)
    {
        if (kind == EngineKind.IlgpuCpu) return true;
        using var context = CreateContext(kind);
        return DevicesOf(context, kind).Count > 0;
    }

    /// <summary>One line saying why <paramref name="kind"/> has no usable device here.</summary>
    public static string WhyNone(EngineKind kind)
    {
        NativeLibraries.Register();
        switch (kind)
        {
            case EngineKind.Cuda:
                return NativeLibraries.CanLoad(NativeLibraries.CudaDriver)
                    ? "no CUDA device: ILGPU found none (the CUDA driver loaded but reports no device)"
                    : $"no CUDA device: ILGPU found none ({NativeLibraries.CudaDriver} not loadable)";
            case EngineKind.OpenCL:
                if (!NativeLibraries.CanLoad(NativeLibraries.OpenClLoader))
                    return $"no OpenCL device: ILGPU found none ({NativeLibraries.OpenClLoader} not loadable)";
                using (var cl = Context.Create(b => b.OpenCL(_ => true)))
                {
                    var reasons = new List<string>();
                    foreach (var d in cl.GetCLDevices()) reasons.Add($"'{d.Name}' ({d.PlatformName}): {OpenClProblem(d) ?? "usable"}");
                    if (reasons.Count == 0) return $"no OpenCL device: {NativeLibraries.OpenClLoader} loads but lists no platform with a device (no ICD installed in /etc/OpenCL/vendors?)";
                    return $"no usable OpenCL device: ILGPU cannot run kernels on {string.Join("; ", reasons)}";
                }
            default:
                return $"no {EngineNames.Of(kind)} device";
        }
    }

    /// <summary>Why ILGPU's OpenCL backend refuses a device (it needs OpenCL C 2.0 and the generic address space); null if it does not.</summary>
    static string? OpenClProblem(CLDevice device)
    {
        var problems = new List<string>();
        if (device.CLStdVersion < CLBackend.MinimumVersion) problems.Add($"OpenCL C {device.CLStdVersion} is older than {CLBackend.MinimumVersion}");
        if (!device.Capabilities.GenericAddressSpace) problems.Add("no generic address space (ILGPU requires it; Debian's pocl lacks it)");
        return problems.Count == 0 ? null : string.Join(", ", problems);
    }

    static DeviceReport Report(EngineKind kind, Device d, string? problem) =>
        new(kind, d.Name, d.MemorySize, d.MaxNumThreadsPerGroup, d.WarpSize, problem);
}
