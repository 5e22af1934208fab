using System.Numerics;
using System.Runtime.Intrinsics;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>
/// The vector operations of the SIMD engine's lane code, so that each kernel is written once and runs at every width:
/// <see cref="Lanes512"/>, <see cref="Lanes256"/> or <see cref="Lanes128"/>, each a stateless struct over one hardware
/// vector type <typeparamref name="V"/> of float32. The kernels are generic over both (<c>&lt;V, L&gt;</c>); the JIT
/// compiles a copy per struct with every call below inlined to the instruction it names (a multiply–add of a
/// broadcast weight is one <c>vfmadd231ps</c> with an embedded broadcast), so the abstraction costs nothing. The
/// vector types themselves, not wrappers around them, are what flows through the kernels: with a wrapper struct the
/// JIT emitted a separate broadcast, the other multiply–add form and a register move per multiply–add.
/// </summary>
interface IVectorLanes<V> where V : unmanaged
{
    static abstract int Count { get; }
    static abstract V Zero { get; }
    static abstract V One { get; }
    static abstract V Broadcast(float value);
    static abstract V Create(ReadOnlySpan<float> values);
    static abstract float Lane(V a, int lane);
    static abstract V Add(V a, V b);
    static abstract V Subtract(V a, V b);
    static abstract V Multiply(V a, V b);
    static abstract V Divide(V a, V b);
    static abstract V Negate(V a);
    static abstract V And(V a, V b);
    /// <summary>a·b + addend with one rounding.</summary>
    static abstract V FusedMultiplyAdd(V a, V b, V addend);
    /// <summary>IEEE 754-2019 maximum (NaN in, NaN out; +0 above −0).</summary>
    static abstract V Max(V a, V b);
    /// <summary>
    /// The hardware's min and max (one instruction, where <see cref="Max"/> needs fix-ups): when either operand is NaN,
    /// x86 returns the second, so the operand that may be NaN goes second and NaN still propagates.
    /// </summary>
    static abstract V MinNative(V a, V b);
    static abstract V MaxNative(V a, V b);
    static abstract V Abs(V a);
    static abstract V Sqrt(V a);
    /// <summary>To the nearest integer, ties to even.</summary>
    static abstract V Round(V a);
    /// <summary>All bits set in the lanes where a &lt; b, none elsewhere.</summary>
    static abstract V LessThan(V a, V b);
    /// <summary>a where mask's lane is set, else b.</summary>
    static abstract V Select(V mask, V a, V b);
    /// <summary>2^k for integral k in [−126, 127], put straight into the exponent bits.</summary>
    static abstract V Exp2Integer(V k);
    /// <summary>All bits set in lanes 0 … count − 1.</summary>
    static abstract V FirstLanes(int count);
    static abstract float Sum(V a);
}

/// <summary>Which of the <see cref="IVectorLanes{V}"/> the engines run.</summary>
enum VectorWidth { Bits128 = 128, Bits256 = 256, Bits512 = 512 }

static class VectorWidths
{
    /// <summary>The environment variable that narrows <see cref="Widest"/>: 128 or 256 (to compare widths, or to see how a machine without AVX-512 runs).</summary>
    public const string WidthVariable = "GPURNN_SIMD_WIDTH";

    /// <summary>
    /// The widest width this CPU runs in hardware (AVX-512, else AVX, else SSE or NEON), or a narrower one that
    /// <see cref="WidthVariable"/> asks for; any other value of it (wider than the hardware, not a width) is ignored.
    /// </summary>
    public static VectorWidth Widest { get; } = Narrowed(Vector512.IsHardwareAccelerated ? VectorWidth.Bits512
        : Vector256.IsHardwareAccelerated ? VectorWidth.Bits256 : VectorWidth.Bits128, Environment.GetEnvironmentVariable(WidthVariable));

    /// <summary>The width <paramref name="asked"/> (the variable's value) narrows <paramref name="hardware"/> to, if any.</summary>
    internal static VectorWidth Narrowed(VectorWidth hardware, string? asked) =>
        int.TryParse(asked, out int bits) && bits is 128 or 256 or 512 && bits <= (int)hardware ? (VectorWidth)bits : hardware;

    /// <summary>float32 lanes per vector.</summary>
    public static int Lanes(this VectorWidth width) => (int)width / 32;

    /// <summary>0, 1, 2 for 128, 256, 512 bits: an index into per-width arrays.</summary>
    public static int Index(VectorWidth width) => BitOperations.Log2((uint)width / 128);

    /// <summary>Runs <paramref name="code"/> with this width's vector and <see cref="IVectorLanes{V}"/> types: the one place a width becomes generic arguments.</summary>
    public static T With<T>(this VectorWidth width, IWidthGeneric<T> code) => width switch
    {
        VectorWidth.Bits512 => code.Invoke<Vector512<float>, Lanes512>(),
        VectorWidth.Bits256 => code.Invoke<Vector256<float>, Lanes256>(),
        _ => code.Invoke<Vector128<float>, Lanes128>(),
    };
}

/// <summary>Code generic over a width's types, for <see cref="VectorWidths.With"/>.</summary>
interface IWidthGeneric<out T>
{
    T Invoke<V, L>() where V : unmanaged where L : IVectorLanes<V>;
}

readonly struct Lanes512 : IVectorLanes<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;
    public static Vector512<float> Zero => Vector512<float>.Zero;
    public static Vector512<float> One => Vector512<float>.One;
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);
    public static Vector512<float> Create(ReadOnlySpan<float> values) => Vector512.Create(values);
    public static float Lane(Vector512<float> a, int lane) => a[lane];
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;
    public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;
    public static Vector512<float> Negate(Vector512<float> a) => -a;
    public static Vector512<float> And(Vector512<float> a, Vector512<float> b) => a & b;
    public static Vector512<float> FusedMultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> addend) => Vector512.FusedMultiplyAdd(a, b, addend);
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);
    public static Vector512<float> MinNative(Vector512<float> a, Vector512<float> b) => Vector512.MinNative(a, b);
    public static Vector512<float> MaxNative(Vector512<float> a, Vector512<float> b) => Vector512.MaxNative(a, b);
    public static Vector512<float> Abs(Vector512<float> a) => Vector512.Abs(a);
    public static Vector512<float> Sqrt(Vector512<float> a) => Vector512.Sqrt(a);
    public static Vector512<float> Round(Vector512<float> a) => Vector512.Round(a);
    public static Vector512<float> LessThan(Vector512<float> a, Vector512<float> b) => Vector512.LessThan(a, b);
    public static Vector512<float> Select(Vector512<float> mask, Vector512<float> a, Vector512<float> b) => Vector512.ConditionalSelect(mask, a, b);
    public static Vector512<float> Exp2Integer(Vector512<float> k) => Vector512.ShiftLeft(Vector512.ConvertToInt32Native(k) + Vector512.Create(127), 23).AsSingle();
    public static Vector512<float> FirstLanes(int count) => Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();
    public static float Sum(Vector512<float> a) => Vector512.Sum(a);
}

readonly struct Lanes256 : IVectorLanes<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;
    public static Vector256<float> Zero => Vector256<float>.Zero;
    public static Vector256<float> One => Vector256<float>.One;
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);
    public static Vector256<float> Create(ReadOnlySpan<float> values) => Vector256.Create(values);
    public static float Lane(Vector256<float> a, int lane) => a[lane];
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;
    public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;
    public static Vector256<float> Negate(Vector256<float> a) => -a;
    public static Vector256<float> And(Vector256<float> a, Vector256<float> b) => a & b;
    public static Vector256<float> FusedMultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> addend) => Vector256.FusedMultiplyAdd(a, b, addend);
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);
    public static Vector256<float> MinNative(Vector256<float> a, Vector256<float> b) => Vector256.MinNative(a, b);
    public static Vector256<float> MaxNative(Vector256<float> a, Vector256<float> b) => Vector256.MaxNative(a, b);
    public static Vector256<float> Abs(Vector256<float> a) => Vector256.Abs(a);
    public static Vector256<float> Sqrt(Vector256<float> a) => Vector256.Sqrt(a);
    public static Vector256<float> Round(Vector256<float> a) => Vector256.Round(a);
    public static Vector256<float> LessThan(Vector256<float> a, Vector256<float> b) => Vector256.LessThan(a, b);
    public static Vector256<float> Select(Vector256<float> mask, Vector256<float> a, Vector256<float> b) => Vector256.ConditionalSelect(mask, a, b);
    public static Vector256<float> Exp2Integer(Vector256<float> k) => Vector256.ShiftLeft(Vector256.ConvertToInt32Native(k) + Vector256.Create(127), 23).AsSingle();
    public static Vector256<float> FirstLanes(int count) => Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count)).AsSingle();
    public static float Sum(Vector256<float> a) => Vector256.Sum(a);
}

readonly struct Lanes128 : IVectorLanes<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;
    public static Vector128<float> Zero => Vector128<float>.Zero;
    public static Vector128<float> One => Vector128<float>.One;
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);
    public static Vector128<float> Create(ReadOnlySpan<float> values) => Vector128.Create(values);
    public static float Lane(Vector128<float> a, int lane) => a[lane];
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;
    public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;
    public static Vector128<float> Negate(Vector128<float> a) => -a;
    public static Vector128<float> And(Vector128<float> a, Vector128<float> b) => a & b;
    public static Vector128<float> FusedMultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> addend) => Vector128.FusedMultiplyAdd(a, b, addend);
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);
    public static Vector128<float> MinNative(Vector128<float> a, Vector128<float> b) => Vector128.MinNative(a, b);
    public static Vector128<float> MaxNative(Vector128<float> a, Vector128<float> b) => Vector128.MaxNative(a, b);
    public static Vector128<float> Abs(Vector128<float> a) => Vector128.Abs(a);
    public static Vector128<float> Sqrt(Vector128<float> a) => Vector128.Sqrt(a);
    public static Vector128<float> Round(Vector128<float> a) => Vector128.Round(a);
    public static Vector128<float> LessThan(Vector128<float> a, Vector128<float> b) => Vector128.LessThan(a, b);
    public static Vector128<float> Select(Vector128<float> mask, Vector128<float> a, Vector128<float> b) => Vector128.ConditionalSelect(mask, a, b);
    public static Vector128<float> Exp2Integer(Vector128<float> k) => Vector128.ShiftLeft(Vector128.ConvertToInt32Native(k) + Vector128.Create(127), 23).AsSingle();
    public static Vector128<float> FirstLanes(int count) => Vector128.LessThan(Vector128<int>.Indices, Vector128.Create(count)).AsSingle();
    public static float Sum(Vector128<float> a) => Vector128.Sum(a);
}
