using GpuRnn.Training.Engines.Ilgpu;

namespace GpuRnn.Tests.Accelerators;

/// <summary>
/// What every per-accelerator test body shares: which kind it runs on, how close that kind must come to the
/// reference, and skipping with ILGPU's reason where the kind has no usable device.
/// </summary>
public abstract class AcceleratorFixture(EngineKind kind)
{
    protected EngineKind Kind => kind;

    /// <summary>Largest allowed |actual − expected| relative to the compared values' magnitude (see <see cref="AssertClose"/>); from <see cref="AcceleratorTable"/>.</summary>
    protected virtual float Tolerance => AcceleratorTable.KernelTolerance(kind);

    /// <summary><see cref="Close"/> at this kind's tolerance.</summary>
    protected void AssertClose(float[] expected, float[] actual, string what) => Close.Assert(expected, actual, Tolerance, $"{what} on {Kind}");

    protected void RequireDevice()
    {
        if (!IlgpuDevices.Has(Kind)) Assert.Skip(IlgpuDevices.WhyNone(Kind));
    }
}

/// <summary>How close each accelerator kind must come to the scalar engine, and why: one table for every per-accelerator test.</summary>
public static class AcceleratorTable
{
    /// <summary>
    /// One pass of the kernels. CPU: .NET's float operations, only the order of the per-window gradient sums differs.
    /// CUDA: float tanh is tanh.approx.f32 (about 2⁻¹¹ relative) and ptxas fuses multiply-adds. OpenCL: a few ulp in
    /// tanh/exp, and a·b + c contracted into fma by default.
    /// </summary>
    public static float KernelTolerance(EngineKind kind) => kind == EngineKind.IlgpuCpu ? 1e-5f : 1e-3f;

    /// <summary>After two epochs of Adam the GPU differences above compound.</summary>
    public static float TrainingTolerance(EngineKind kind) => kind == EngineKind.IlgpuCpu ? 1e-5f : 5e-3f;

    /// <summary>At batch 1 the CPU accelerator sums nothing in another order: its weights equal the scalar engine's bit for bit.</summary>
    public static bool ExactAtBatchOne(EngineKind kind) => kind == EngineKind.IlgpuCpu;
}
