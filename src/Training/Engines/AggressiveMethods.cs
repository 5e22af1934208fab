using System.Reflection;
using System.Runtime.CompilerServices;

namespace GpuRnn.Training.Engines;

/// <summary>Compiles the engines' AggressiveOptimization methods ahead of timed training (the SIMD engine's HotMethods, the scalar engine's PrepareFor).</summary>
static class AggressiveMethods
{
    /// <summary>
    /// Compiles every AggressiveOptimization method these (closed) types declare, fully optimised, now. Not virtual
    /// ones: PrepareMethod leaves those to their first call, so the engines keep their interface methods thin and their
    /// bodies in private methods.
    /// </summary>
    public static void Compile(IEnumerable<Type> types)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in types)
            foreach (var method in type.GetMethods(all))
                if (!method.IsAbstract && !method.ContainsGenericParameters
                    && (method.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) != 0)
                    RuntimeHelpers.PrepareMethod(method.MethodHandle);
    }
}
