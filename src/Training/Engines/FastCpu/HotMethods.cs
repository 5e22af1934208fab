using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>
/// Compiles the SIMD engines' hot methods (and the trainer's per-step ones) once per process when the first engine is created. They are marked
/// AggressiveOptimization (so that short runs never execute unoptimised tier-0 code), which means each is compiled
/// fully optimised on first call; doing that here puts the ~20–30 ms of JIT work into engine setup, which the
/// trainer reports apart from training time, instead of into the first training step.
/// </summary>
static class HotMethods
{
    static readonly Lazy<TimeSpan> Compiled = new(CompileAll);

    /// <summary>Time the one-off compilation took (zero after the first call in a process).</summary>
    public static TimeSpan EnsureCompiled() => Compiled.IsValueCreated ? TimeSpan.Zero : Compiled.Value;

    static TimeSpan CompileAll()
    {
        var clock = Stopwatch.StartNew();
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        // The engine's own methods, and the trainer's per-step loop and Adam schedule every engine runs through.
        Type[] types = [typeof(FastCpuEngine), typeof(LaneBatch), typeof(LaneActivations), typeof(LaneScratch), typeof(LaneProducts),
            typeof(ModelLanesEngine), .. typeof(ModelLanesEngine).GetNestedTypes(BindingFlags.NonPublic), typeof(Trainer), typeof(AdamSchedule)];
        foreach (var type in types)
            foreach (var method in type.GetMethods(all))
                if (!method.IsAbstract && !method.ContainsGenericParameters
                    && (method.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) != 0)
                    RuntimeHelpers.PrepareMethod(method.MethodHandle);
        return clock.Elapsed;
    }
}
