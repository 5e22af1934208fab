using GpuRnn.Training.Engines;
using GpuRnn.Training.Engines.Ilgpu;

namespace GpuRnn.Tests.Accelerators;

/// <summary>
/// What every per-accelerator test body shares: which kind it runs on, how close that kind must come to the
/// reference, and skipping with ILGPU's reason where the kind has no usable device.
/// </summary>
public abstract class AcceleratorFixture
{
    protected abstract EngineKind Kind { get; }

    /// <summary>Largest allowed |actual − expected| relative to the compared values' magnitude (see <see cref="AssertClose"/>).</summary>
    protected abstract float Tolerance { get; }

    /// <summary>|a − b| ≤ tolerance · (|b| + max|b|): relative for large entries, relative to the vector's scale near zero.</summary>
    protected void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = expected.Length == 0 ? 0 : expected.Max(MathF.Abs);
        for (int i = 0; i < expected.Length; i++)
        {
            float bound = Tolerance * (MathF.Abs(expected[i]) + scale) + float.Epsilon;
            if (!(MathF.Abs(expected[i] - actual[i]) <= bound))
                Assert.Fail($"{what} [{i}]: expected {expected[i]:R}, {Kind} gave {actual[i]:R} (bound {bound:R})");
        }
    }

    protected void RequireDevice()
    {
        if (!IlgpuDevices.Has(Kind)) Assert.Skip(IlgpuDevices.WhyNone(Kind));
    }
}
