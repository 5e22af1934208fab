namespace GpuRnn.Kernels;

/// <summary>
/// Marks an explicitly grouped kernel: launched with a KernelConfig (groups × threads, dynamic shared memory)
/// rather than an Index1D, so the PTX compilation test can find it and compile it as a grouped entry point.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class GroupedKernelAttribute : Attribute;
