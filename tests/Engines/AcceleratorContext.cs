using GpuRnn.Training.Engines.Ilgpu;

namespace GpuRnn.Tests.Engines;

/// <summary>
/// One ILGPU device per accelerator kind, each opened once for the test collection: every engine the collection's
/// tests make on a kind shares its accelerator and compiled kernels (the ILGPU context is the process's, shared by
/// every accelerator: disposing these closes the accelerators only). Where a kind has no usable device, each test that
/// asks for it skips with ILGPU's reason.
/// </summary>
/// <remarks>
/// Theories take their kinds from <see cref="Kinds"/>, the kinds with a device here, so a machine without CUDA does not
/// list every CUDA case as skipped; each class says instead, in one skipped test per absent kind
/// (<see cref="Absent"/>), what it would have run there and why it did not.
/// </remarks>
public sealed class AcceleratorContexts : IDisposable
{
    /// <summary>The ILGPU accelerator kinds, in the order tests run them.</summary>
    public static readonly EngineKind[] All = [EngineKind.IlgpuCpu, EngineKind.Cuda, EngineKind.OpenCL];

    /// <summary>The kinds with a usable device here (the CPU accelerator always): what theories run.</summary>
    public static EngineKind[] Kinds => [.. All.Where(k => k == EngineKind.IlgpuCpu || IlgpuDevices.Has(k))];

    /// <summary>The kinds without a usable device here, each with ILGPU's reason.</summary>
    public static TheoryData<EngineKind, string> Absent => new(All.Except(Kinds).Select(k => (k, IlgpuDevices.WhyNone(k))));

    readonly Dictionary<EngineKind, IlgpuAccelerator> opened = [];
    readonly Dictionary<EngineKind, string> absent = [];

    public AcceleratorContexts()
    {
        foreach (var kind in All)
        {
            try
            {
                opened[kind] = IlgpuAccelerator.Open(kind);
            }
            catch (GpuRnnInputException e)
            {
                absent[kind] = e.Message;
            }
        }
    }

    /// <summary>The opened device of <paramref name="kind"/>; skips the calling test, saying why, where there is none.</summary>
    public IlgpuAccelerator Device(EngineKind kind)
    {
        if (absent.TryGetValue(kind, out var why)) Assert.Skip(why);
        return opened[kind];
    }

    public void Dispose()
    {
        foreach (var device in opened.Values) device.Dispose();
    }
}

/// <summary>The tests that make engines on <see cref="AcceleratorContexts"/>: they run one after another, on one device per kind.</summary>
[CollectionDefinition(nameof(IlgpuAccelerators))]
public sealed class IlgpuAccelerators : ICollectionFixture<AcceleratorContexts>;

/// <summary>
/// The engine contract for an ILGPU kernel choice, plus the one line per absent accelerator kind that says its cases
/// did not run here, and why.
/// </summary>
public abstract class IlgpuContract<TCase>(TCase engines) : EngineContract<TCase>(engines) where TCase : IlgpuCase, IEngineCase
{
    [Theory(SkipTestWithoutData = true)] // every kind present: nothing to say
    [MemberData(nameof(AcceleratorContexts.Absent), MemberType = typeof(AcceleratorContexts))]
    public void Every_case_on_an_absent_accelerator(EngineKind kind, string why) =>
        Assert.Skip($"{kind}: {why}; this contract's cases of it run where there is one");
}
