namespace GpuRnn.Kernels;

/// <summary>Marks this assembly: the ILGPU kernels, with no host logic beyond launch shapes.</summary>
public static class KernelsAssembly;
