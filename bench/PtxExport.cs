using System.Text.RegularExpressions;
using GpuRnn.Kernels;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace GpuRnn.Bench;

/// <summary>
/// <c>--ptx DIR</c>: every kernel of <see cref="KernelCatalog"/> compiled to PTX for sm_90, no GPU needed, written as
/// <c>DIR/Class.Method.ptx</c> for bench/ptxas-report.sh to assemble. Compiled the way tests/Accelerators/
/// PtxCompilationTests does (EnableAlgorithms, implicitly or explicitly grouped entry point), so the report judges the
/// code the test vouches for.
/// </summary>
public static partial class PtxExport
{
    public static int Run(string[] args)
    {
        int at = Array.IndexOf(args, "--ptx");
        if (at < 0 || at + 1 >= args.Length || args[at + 1].StartsWith("--", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("--ptx needs a folder: --ptx DIR");
            return 2;
        }
        string dir = args[at + 1];
        Directory.CreateDirectory(dir);

        using var context = Context.Create(b => b.EnableAlgorithms());
        using var backend = new PTXBackend(context, CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, nvvmAPI: null!);
        int failed = 0;
        foreach (var kernel in KernelCatalog.All)
        {
            try
            {
                var entry = kernel.IsGrouped
                    ? EntryPointDescription.FromExplicitlyGroupedKernel(kernel.Method)
                    : EntryPointDescription.FromImplicitlyGroupedKernel(kernel.Method);
                var ptx = ((PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty)).PTXAssembly;
                File.WriteAllText(Path.Combine(dir, kernel.Name + ".ptx"), ForPtxas118(ptx));
            }
            catch (Exception e)
            {
                // One kernel that does not compile should not hide the report of the others; the exit code still says so.
                Console.Error.WriteLine($"{kernel.Name}: {e.GetType().Name}: {e.Message}");
                failed++;
            }
        }
        Console.WriteLine($"{KernelCatalog.All.Count - failed} of {KernelCatalog.All.Count} kernels written to {dir} as PTX for sm_90");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// ILGPU 1.5.3 heads its PTX with ISA 8.0; Debian's ptxas (CUDA 11.8) stops at 7.8 but assembles these kernels
    /// for sm_90 once the header says 7.8, since they use nothing newer.
    /// </summary>
    public static string ForPtxas118(string ptx) => VersionDirective().Replace(ptx, ".version 7.8", 1);

    [GeneratedRegex(@"^\.version 8\.0\b", RegexOptions.Multiline)]
    private static partial Regex VersionDirective();
}
