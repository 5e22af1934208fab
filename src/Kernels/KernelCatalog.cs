using System.Reflection;
using ILGPU;

namespace GpuRnn.Kernels;

/// <summary>
/// Every kernel of this assembly, found by its shape rather than listed by name, so that a kernel added or removed
/// is picked up by the PTX compilation test and the bench's <c>--ptx</c> export without editing either: a public
/// static method whose first parameter is an <see cref="Index1D"/> (implicitly grouped), or one marked
/// <see cref="GroupedKernelAttribute"/> (explicitly grouped). The compiling is left to the callers, so that this
/// assembly needs no PTX backend.
/// </summary>
public static class KernelCatalog
{
    /// <summary>One kernel: its method, its name as <c>Class.Method</c>, and how it is launched.</summary>
    public sealed record Kernel(MethodInfo Method, bool IsGrouped)
    {
        public string Name => $"{Method.DeclaringType!.Name}.{Method.Name}";
    }

    /// <summary>Every kernel, ordered by name so that reports and test cases come out in the same order each run.</summary>
    public static IReadOnlyList<Kernel> All { get; } = Find();

    static Kernel[] Find() =>
        [.. typeof(KernelCatalog).Assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => new Kernel(m, m.GetCustomAttribute<GroupedKernelAttribute>() is not null))
            .Where(k => k.IsGrouped || k.Method.GetParameters() is [{ ParameterType: var first }, ..] && first == typeof(Index1D))
            .OrderBy(k => k.Name, StringComparer.Ordinal)];
}
