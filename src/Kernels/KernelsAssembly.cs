namespace GpuRnn.Kernels;

/// <summary>Marks this assembly: the ILGPU kernels, with no host logic beyond the parameter layout and the launch shapes it gives them.</summary>
public static class KernelsAssembly;
