using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>
/// Compiles the SIMD engines' hot methods (and the trainer's per-step ones) once per process and width, before training
/// (<see cref="IRnnEngine.PrepareFor"/>, and a models-in-lanes engine's constructor). They are marked
/// AggressiveOptimization (so that short runs never execute unoptimised tier-0 code), which means each is compiled
/// fully optimised on first call; doing that here puts the ~20–30 ms of JIT work into engine setup, which the
/// trainer reports apart from training time, instead of into the first training step.
/// </summary>
static class HotMethods
{
    /// <summary>Per width (128, 256, 512 bits) × layout (windows in lanes, models in lanes).</summary>
    static readonly Lazy<TimeSpan>[] Compiled = [.. new[] { VectorWidth.Bits128, VectorWidth.Bits256, VectorWidth.Bits512 }
        .SelectMany(width => new[] { typeof(SharedWeights), typeof(PerLaneWeights) }.Select(weights =>
            new Lazy<TimeSpan>(() => CompileAll(width.With(new TypesOf()), weights))))];

    /// <summary>Time the one-off compilation for this width and layout took (zero after the first call in a process).</summary>
    public static TimeSpan EnsureCompiled(VectorWidth width, bool modelsInLanes)
    {
        var compiled = Compiled[2 * VectorWidths.Index(width) + (modelsInLanes ? 1 : 0)];
        return compiled.IsValueCreated ? TimeSpan.Zero : compiled.Value;
    }

    readonly struct TypesOf : IWidthGeneric<Type[]>
    {
        public Type[] Invoke<V, L>() where V : unmanaged where L : IVectorLanes<V> => [typeof(V), typeof(L)];
    }

    /// <param name="width">The vector type and its <see cref="IVectorLanes{V}"/>: the generic code's copy to compile.</param>
    /// <param name="weights">The layout's <see cref="ILaneWeights"/>.</param>
    static TimeSpan CompileAll(Type[] width, Type weights)
    {
        var clock = Stopwatch.StartNew();
        // The layout's engine's own methods (not the other's), the lane code, and the trainer's per-step loop and Adam
        // schedule every engine runs through.
        Type[] engine = weights == typeof(PerLaneWeights) ? [typeof(ModelLanesEngine), .. typeof(ModelLanesEngine).GetNestedTypes(BindingFlags.NonPublic)] : [typeof(FastCpuEngine)];
        Type[] types = [.. engine, typeof(LaneBatch), typeof(LaneBatch<,,>), typeof(LaneActivations<,>), typeof(LaneScratch), typeof(LaneProducts<,,>),
            typeof(Trainer), typeof(AdamSchedule)];
        AggressiveMethods.Compile(types.Select(t => !t.IsGenericTypeDefinition ? t : t.MakeGenericType(t.GetGenericArguments().Length == 2 ? width : [.. width, weights])));
        return clock.Elapsed;
    }
}
