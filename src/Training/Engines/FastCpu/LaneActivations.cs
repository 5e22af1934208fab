using System.Runtime.CompilerServices;
using GpuRnn.Kernels;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>
/// Activations and their derivatives on whole vectors of lanes (one lane per window in <see cref="FastCpuEngine"/>,
/// one per model in <see cref="ModelLanesEngine"/>), so that a vector pays for one operation where the scalar
/// engine pays for one call per window. The one vector activation set of the SIMD engine.
/// </summary>
static class LaneActivations<V, L> where V : unmanaged where L : IVectorLanes<V>
{
    /// <summary>Applies f to every vector of <paramref name="values"/> in place; one switch per row, not per element (inlined: a step of 3 units should not pay a call).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Activate(Span<V> values, Activation f)
    {
        switch (f)
        {
            case Activation.Linear:
                return;
            case Activation.Tanh:
                for (int i = 0; i < values.Length; i++) values[i] = Tanh(values[i]);
                return;
            case Activation.Relu:
                for (int i = 0; i < values.Length; i++) values[i] = L.Max(values[i], L.Zero);
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
    public static V Apply(V a, Activation f) => f switch
    {
        Activation.Linear => a,
        Activation.Tanh => Tanh(a),
        Activation.Relu => L.Max(a, L.Zero),
        Activation.Sigmoid => Sigmoid(a),
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    /// <summary>f′ from the activation's output y = f(a), as BPTT keeps only outputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Derivative(V y, Activation f) => f switch
    {
        Activation.Linear => L.One,
        Activation.Tanh => L.Subtract(L.One, L.Multiply(y, y)),
        Activation.Relu => L.And(L.LessThan(L.Zero, y), L.One),
        Activation.Sigmoid => L.Multiply(y, L.Subtract(L.One, y)),
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    /// <summary>
    /// tanh from exp: 1 − 2/(e^{2|a|} + 1) with a's sign. That form loses relative accuracy near 0 (it cancels
    /// against 1), so small |a| uses the Taylor series instead, whose next term is below 1e-12 there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Tanh(V a)
    {
        var magnitude = L.MinNative(L.Broadcast(10f), L.Abs(a)); // tanh(10) rounds to 1 in float32
        var e = Exp(L.Add(magnitude, magnitude));
        var large = L.Subtract(L.One, L.Divide(L.Broadcast(2f), L.Add(e, L.One)));
        large = L.Select(L.LessThan(a, L.Zero), L.Negate(large), large);
        var a2 = L.Multiply(a, a);
        var series = L.Multiply(a, L.Add(L.One, L.Multiply(a2, L.Add(L.Broadcast(-1f / 3f),
            L.Multiply(a2, L.Add(L.Broadcast(2f / 15f), L.Multiply(a2, L.Broadcast(-17f / 315f))))))));
        return L.Select(L.LessThan(magnitude, L.Broadcast(0.0625f)), series, large);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Sigmoid(V a)
    {
        // Clamped so that exp never overflows to a value whose reciprocal is not exactly representable.
        var clamped = L.MinNative(L.Broadcast(80f), L.MaxNative(L.Broadcast(-80f), a));
        return L.Divide(L.One, L.Add(L.One, Exp(L.Negate(clamped))));
    }

    /// <summary>
    /// e^a for |a| ≤ 87 (callers clamp): a = k·ln2 + r with |r| ≤ ln2/2, e^r from its Taylor series to r⁷ (the
    /// first omitted term is below 3e-8 relative), and 2^k put straight into the exponent bits. The library's
    /// Vector.Exp is accurate to the last bit but several times slower, and BPTT needs only float32 accuracy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Exp(V a)
    {
        var k = L.Round(L.Multiply(a, L.Broadcast(1.44269504f)));
        // ln2 split in two so that k·ln2 is subtracted without rounding error (Cody–Waite).
        var r = L.FusedMultiplyAdd(k, L.Broadcast(-0.693145752f), a);
        r = L.FusedMultiplyAdd(k, L.Broadcast(-1.42860677e-6f), r);
        var p = L.Broadcast(1f / 5040f);
        p = L.FusedMultiplyAdd(p, r, L.Broadcast(1f / 720f));
        p = L.FusedMultiplyAdd(p, r, L.Broadcast(1f / 120f));
        p = L.FusedMultiplyAdd(p, r, L.Broadcast(1f / 24f));
        p = L.FusedMultiplyAdd(p, r, L.Broadcast(1f / 6f));
        p = L.FusedMultiplyAdd(p, r, L.Broadcast(0.5f));
        p = L.FusedMultiplyAdd(p, r, L.One);
        p = L.FusedMultiplyAdd(p, r, L.One);
        return L.Multiply(p, L.Exp2Integer(k));
    }
}
