using System.Numerics;
using System.Runtime.CompilerServices;
using GpuRnn.Kernels;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>
/// Activations and their derivatives on whole vectors of lanes (one lane per window in <see cref="FastCpuEngine"/>,
/// one per model in <see cref="ModelLanesEngine"/>), so that a vector pays for one operation where the scalar
/// engine pays for one call per window. The one vector activation set of the SIMD engine.
/// </summary>
static class LaneActivations
{
    /// <summary>Applies f to every vector of <paramref name="values"/> in place; one switch per row, not per element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Activate(Span<Vector<float>> values, Activation f)
    {
        switch (f)
        {
            case Activation.Linear:
                return;
            case Activation.Tanh:
                for (int i = 0; i < values.Length; i++) values[i] = Tanh(values[i]);
                return;
            case Activation.Relu:
                for (int i = 0; i < values.Length; i++) values[i] = Vector.Max(values[i], Vector<float>.Zero);
                return;
            case Activation.Sigmoid:
                for (int i = 0; i < values.Length; i++) values[i] = Sigmoid(values[i]);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(f));
        }
    }

    /// <summary>f of one vector (for loops that activate as they go rather than a row at a time).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Apply(Vector<float> a, Activation f) => f switch
    {
        Activation.Linear => a,
        Activation.Tanh => Tanh(a),
        Activation.Relu => Vector.Max(a, Vector<float>.Zero),
        Activation.Sigmoid => Sigmoid(a),
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    /// <summary>f′ from the activation's output y = f(a), as BPTT keeps only outputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Derivative(Vector<float> y, Activation f) => f switch
    {
        Activation.Linear => Vector<float>.One,
        Activation.Tanh => Vector<float>.One - y * y,
        Activation.Relu => Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero),
        Activation.Sigmoid => y * (Vector<float>.One - y),
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    /// <summary>
    /// tanh from exp: 1 − 2/(e^{2|a|} + 1) with a's sign. That form loses relative accuracy near 0 (it cancels
    /// against 1), so small |a| uses the Taylor series instead, whose next term is below 1e-12 there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Tanh(Vector<float> a)
    {
        var magnitude = Vector.Min(Vector.Abs(a), new Vector<float>(10f)); // tanh(10) rounds to 1 in float32
        var e = Exp(magnitude + magnitude);
        var large = Vector<float>.One - new Vector<float>(2f) / (e + Vector<float>.One);
        large = Vector.ConditionalSelect(Vector.LessThan(a, Vector<float>.Zero), -large, large);
        var a2 = a * a;
        var series = a * (Vector<float>.One + a2 * (new Vector<float>(-1f / 3f) + a2 * (new Vector<float>(2f / 15f) + a2 * new Vector<float>(-17f / 315f))));
        return Vector.ConditionalSelect(Vector.LessThan(magnitude, new Vector<float>(0.0625f)), series, large);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sigmoid(Vector<float> a)
    {
        // Clamped so that exp never overflows to a value whose reciprocal is not exactly representable.
        var clamped = Vector.Min(Vector.Max(a, new Vector<float>(-80f)), new Vector<float>(80f));
        return Vector<float>.One / (Vector<float>.One + Exp(-clamped));
    }

    /// <summary>
    /// e^a for |a| ≤ 87 (callers clamp): a = k·ln2 + r with |r| ≤ ln2/2, e^r from its Taylor series to r⁷ (the
    /// first omitted term is below 3e-8 relative), and 2^k put straight into the exponent bits. The library's
    /// Vector.Exp is accurate to the last bit but several times slower, and BPTT needs only float32 accuracy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> a)
    {
        var k = Vector.Round(a * new Vector<float>(1.44269504f));
        // ln2 split in two so that k·ln2 is subtracted without rounding error (Cody–Waite).
        var r = Vector.FusedMultiplyAdd(k, new Vector<float>(-0.693145752f), a);
        r = Vector.FusedMultiplyAdd(k, new Vector<float>(-1.42860677e-6f), r);
        var p = new Vector<float>(1f / 5040f);
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 720f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 120f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 24f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 6f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(0.5f));
        p = Vector.FusedMultiplyAdd(p, r, Vector<float>.One);
        p = Vector.FusedMultiplyAdd(p, r, Vector<float>.One);
        var scale = Vector.ShiftLeft(Vector.ConvertToInt32(k) + new Vector<int>(127), 23).As<int, float>();
        return p * scale;
    }
}
