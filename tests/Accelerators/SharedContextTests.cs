using GpuRnn.Training.Engines.Ilgpu;
using ILGPU;

namespace GpuRnn.Tests.Accelerators;

/// <summary>
/// The process keeps one ILGPU context per accelerator kind: probing and every engine use it, and closing an
/// accelerator leaves it to the next (a context costs ~0.2 s and its own threads; a CUDA context per probe was waste).
/// </summary>
public sealed class SharedContextTests
{
    [Fact]
    public void Every_thread_that_asks_gets_the_one_context_of_its_kind()
    {
        var seen = new Context[16];
        Parallel.For(0, seen.Length, i => seen[i] = IlgpuContexts.For(EngineKind.IlgpuCpu));
        Assert.All(seen, c => Assert.Same(seen[0], c));
        Assert.Throws<ArgumentOutOfRangeException>(() => IlgpuContexts.For(EngineKind.Simd));
    }

    [Fact]
    public void Closing_an_accelerator_leaves_the_shared_context_open_for_the_next()
    {
        var context = IlgpuContexts.For(EngineKind.IlgpuCpu);
        using (var first = IlgpuAccelerator.Open(EngineKind.IlgpuCpu))
            Assert.Same(context, first.Accelerator.Context);
        Assert.False(context.IsDisposed);
        using var second = IlgpuAccelerator.Open(EngineKind.IlgpuCpu);
        Assert.Same(context, second.Accelerator.Context);
    }

    [Fact]
    public void Probing_answers_once_per_process()
    {
        Assert.Same(IlgpuDevices.List(), IlgpuDevices.List());
        Assert.Same(IlgpuDevices.Usable(EngineKind.Cuda), IlgpuDevices.Usable(EngineKind.Cuda));
        Assert.Equal(IlgpuDevices.Has(EngineKind.Cuda), IlgpuDevices.List().Any(d => d.Kind == EngineKind.Cuda && d.Usable));
        Assert.Equal(IlgpuDevices.Has(EngineKind.OpenCL), IlgpuDevices.List().Any(d => d.Kind == EngineKind.OpenCL && d.Usable));
    }
}
