using GpuRnn.Tests.Accelerators;

namespace GpuRnn.Tests.Sweep;

/// <summary>
/// The sweep kernels compile to PTX for sm_90: <see cref="PtxCompilationTests"/> compiles every public kernel of
/// GpuRnn.Kernels; this checks that its list has picked them up.
/// </summary>
public sealed class SweepKernelPtxTests
{
    [Fact]
    public void The_sweep_kernels_are_among_those_compiled_to_ptx_for_sm_90()
    {
        var compiled = PtxCompilationTests.Kernels.Select(row => row.Data).ToList();
        foreach (var kernel in new[] { "SweepBackwardKernel.Window", "SweepAdamKernel.Step" })
            Assert.Contains(kernel, compiled);
    }
}
