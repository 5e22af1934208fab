using System.Reflection;
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
    /// <summary>
    /// Every public static method of the kernel classes whose first parameter is an Index1D (implicitly grouped),
    /// and every one marked <see cref="GroupedKernelAttribute"/> (explicitly grouped: shared memory, barriers).
    /// </summary>
    public static TheoryData<string> Kernels => new(KernelMethods().Select(Describe));

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Kernel_compiles_to_ptx_for_sm_90(string kernel)
    {
        var method = KernelMethods().Single(m => Describe(m) == kernel);
        using var context = Context.Create(b => b.EnableAlgorithms());
        using var backend = new PTXBackend(context, CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, nvvmAPI: null!);
        var entry = IsGrouped(method)
            ? EntryPointDescription.FromExplicitlyGroupedKernel(method)
            : EntryPointDescription.FromImplicitlyGroupedKernel(method);
        var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
        // ILGPU writes the lowest target the kernel needs (sm_80 here) under the ISA 8.0 header; the driver JITs it for sm_90.
        Assert.Contains(".version 8.0", compiled.PTXAssembly);
        Assert.Contains(".target sm_", compiled.PTXAssembly);
        Assert.Contains(".entry", compiled.PTXAssembly);
    }

    [Fact]
    public void Every_kernel_class_is_covered()
    {
        var names = KernelMethods().Select(Describe).ToList();
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
        var method = KernelMethods().Single(m => Describe(m) == kernel);
        using var context = Context.Create(b => b.EnableAlgorithms());
        using var backend = new PTXBackend(context, CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, nvvmAPI: null!);
        var ptx = ((PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(method), KernelSpecialization.Empty)).PTXAssembly;
        Assert.Contains(".shared", ptx);
        Assert.Contains("bar.sync", ptx);
        Assert.DoesNotContain("atom.", ptx); // reductions are ordered, never atomic
    }

    static IEnumerable<MethodInfo> KernelMethods() =>
        typeof(TileKernel).Assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => IsGrouped(m) || m.GetParameters() is [{ ParameterType: var first }, ..] && first == typeof(Index1D));

    static bool IsGrouped(MethodInfo m) => m.GetCustomAttribute<GroupedKernelAttribute>() is not null;

    static string Describe(MethodInfo m) => $"{m.DeclaringType!.Name}.{m.Name}";
}
