namespace GpuRnn.Kernels; internal static class AssemblyMarker {}
