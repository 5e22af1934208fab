using System.Runtime.CompilerServices;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>
/// How a vector's lanes relate to the weights, the one thing the two SIMD layouts do differently, so that the cell
/// step, BPTT and Adam (<see cref="LaneBatch{V, L, S}"/>, <see cref="LaneProducts{V, L, S}"/>) are written once:
/// <see cref="SharedWeights"/> when the lanes are windows of one model (<see cref="FastCpuEngine"/>),
/// <see cref="PerLaneWeights"/> when each lane is a model of its own (<see cref="ModelLanesEngine"/>). A parameter
/// index is the Keras-order index of one model; the arrays hold one float per parameter, or one vector.
/// </summary>
interface ILaneWeights
{
    /// <summary>Whether every lane reads the same weights (so gradients sum across lanes, and deltas may be transposed).</summary>
    static abstract bool Shared { get; }
    /// <summary>Floats per parameter in the weight and gradient arrays.</summary>
    static abstract int Floats<V, L>() where V : unmanaged where L : IVectorLanes<V>;
    /// <summary>Parameter <paramref name="index"/> after the one <paramref name="w"/> refers to.</summary>
    static abstract ref float At<V, L>(ref float w, int index) where V : unmanaged where L : IVectorLanes<V>;
    /// <summary>That parameter's value in each lane.</summary>
    static abstract V Load<V, L>(ref float w, int index) where V : unmanaged where L : IVectorLanes<V>;
    /// <summary>Adds <paramref name="value"/>'s lanes to the gradient of parameter <paramref name="index"/>.</summary>
    static abstract void Accumulate<V, L>(ref float grad, int index, V value) where V : unmanaged where L : IVectorLanes<V>;
}

/// <summary>Windows in lanes: a weight is one float, broadcast; its gradient is the sum over the lanes.</summary>
readonly struct SharedWeights : ILaneWeights
{
    public static bool Shared => true;
    public static int Floats<V, L>() where V : unmanaged where L : IVectorLanes<V> => 1;
    public static ref float At<V, L>(ref float w, int index) where V : unmanaged where L : IVectorLanes<V> => ref Unsafe.Add(ref w, index);
    public static V Load<V, L>(ref float w, int index) where V : unmanaged where L : IVectorLanes<V> => L.Broadcast(Unsafe.Add(ref w, index));
    public static void Accumulate<V, L>(ref float grad, int index, V value) where V : unmanaged where L : IVectorLanes<V> =>
        Unsafe.Add(ref grad, index) += L.Sum(value);
}

/// <summary>Models in lanes: a weight is a vector of each lane's own value; gradients stay lane by lane.</summary>
readonly struct PerLaneWeights : ILaneWeights
{
    public static bool Shared => false;
    public static int Floats<V, L>() where V : unmanaged where L : IVectorLanes<V> => L.Count;
    public static ref float At<V, L>(ref float w, int index) where V : unmanaged where L : IVectorLanes<V> => ref Unsafe.Add(ref w, index * L.Count);
    public static V Load<V, L>(ref float w, int index) where V : unmanaged where L : IVectorLanes<V> =>
        Unsafe.As<float, V>(ref Unsafe.Add(ref w, index * L.Count));
    public static void Accumulate<V, L>(ref float grad, int index, V value) where V : unmanaged where L : IVectorLanes<V>
    {
        ref V sum = ref Unsafe.As<float, V>(ref Unsafe.Add(ref grad, index * L.Count));
        sum = L.Add(sum, value);
    }
}
