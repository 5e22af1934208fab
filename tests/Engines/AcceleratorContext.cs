using GpuRnn.Training.Engines.Ilgpu;

namespace GpuRnn.Tests.Engines;

/// <summary>
/// One ILGPU device per accelerator kind, each opened once for the test collection: every engine the collection's
/// tests make on a kind shares its accelerator and compiled kernels (the ILGPU context is the process's, shared by
/// every accelerator: disposing these closes the accelerators only). Where a kind has no usable device, each test that
/// asks for it skips with ILGPU's reason.
/// </summary>
public sealed class AcceleratorContexts : IDisposable
{
    /// <summary>The ILGPU accelerator kinds, in the order tests run them.</summary>
    public static readonly EngineKind[] Kinds = [EngineKind.IlgpuCpu, EngineKind.Cuda, EngineKind.OpenCL];

    readonly Dictionary<EngineKind, IlgpuAccelerator> opened = [];
    readonly Dictionary<EngineKind, string> absent = [];

    public AcceleratorContexts()
    {
        foreach (var kind in Kinds)
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
