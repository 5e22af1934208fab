using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace GpuRnn.Tests.Accelerators;

/// <summary>
/// Compiles every kernel to PTX for an H100/H200 (sm_90) with no GPU present, so that a construct CUDA cannot
/// compile fails here rather than on the GPU machine.
/// </summary>
public sealed class PtxCompilationTests
{
    /// <summary>Every kernel <see cref="KernelCatalog"/> finds: implicitly grouped (Index1D) and explicitly grouped alike.</summary>
    public static TheoryData<string> Kernels => new(KernelCatalog.All.Select(k => k.Name));

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Kernel_compiles_to_ptx_for_sm_90(string kernel)
    {
        var found = Find(kernel);
        using var context = Context.Create(b => b.EnableAlgorithms());
        using var backend = new PTXBackend(context, CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, nvvmAPI: null!);
        var entry = found.IsGrouped
            ? EntryPointDescription.FromExplicitlyGroupedKernel(found.Method)
            : EntryPointDescription.FromImplicitlyGroupedKernel(found.Method);
        var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
        // ILGPU writes the lowest target the kernel needs (sm_80 here) under the ISA 8.0 header; the driver JITs it for sm_90.
        Assert.Contains(".version 8.0", compiled.PTXAssembly);
        Assert.Contains(".target sm_", compiled.PTXAssembly);
        Assert.Contains(".entry", compiled.PTXAssembly);
    }

    [Fact]
    public void Every_kernel_class_is_covered()
    {
        var names = KernelCatalog.All.Select(k => k.Name).ToList();
        Assert.Contains("TileKernel.Step", names);
        Assert.Contains("TileKernel.StepGlobalWh", names);
        Assert.Contains("ReduceKernel.SumTiles", names);
        Assert.Contains("AdamKernel.Step", names);
        Assert.Contains("EpochKernel.Train", names);
    }

    [Theory]
    [InlineData("EpochKernel.Train")]
    [InlineData("TileKernel.Step")]
    [InlineData("TileKernel.StepGlobalWh")]
    public void Grouped_kernels_use_shared_memory_and_barriers_in_ptx(string kernel)
    {
        var method = Find(kernel).Method;
        using var context = Context.Create(b => b.EnableAlgorithms());
        using var backend = new PTXBackend(context, CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, nvvmAPI: null!);
        var ptx = ((PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(method), KernelSpecialization.Empty)).PTXAssembly;
        Assert.Contains(".shared", ptx);
        Assert.Contains("bar.sync", ptx);
        Assert.DoesNotContain("atom.", ptx); // reductions are ordered, never atomic
    }

    static KernelCatalog.Kernel Find(string name) => KernelCatalog.All.Single(k => k.Name == name);
}
