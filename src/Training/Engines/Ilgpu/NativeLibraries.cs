using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// ILGPU imports the drivers by their unversioned names ("cuda", "OpenCL"), which on Linux resolve only where a
/// development package installed libcuda.so / libOpenCL.so. Drivers ship only libcuda.so.1 / libOpenCL.so.1, and
/// without this hook the devices silently do not appear.
/// </summary>
public static class NativeLibraries
{
    public const string CudaDriver = "libcuda.so.1";
    public const string OpenClLoader = "libOpenCL.so.1";

    static int registered;

    /// <summary>Installs the fallback once per process; call before creating an ILGPU context.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 0)
            AssemblyLoadContext.Default.ResolvingUnmanagedDll += Resolve;
    }

    /// <summary>Whether the versioned driver library can be loaded at all (used to explain absent devices).</summary>
    public static bool CanLoad(string library)
    {
        if (!NativeLibrary.TryLoad(library, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }

    static IntPtr Resolve(Assembly assembly, string name)
    {
        string? versioned = name switch
        {
            "cuda" or "nvcuda" or "libcuda" or "libcuda.so" => CudaDriver,
            "OpenCL" or "opencl" or "libOpenCL" or "libOpenCL.so" => OpenClLoader,
            _ => null,
        };
        return versioned is not null && NativeLibrary.TryLoad(versioned, out var handle) ? handle : IntPtr.Zero;
    }
}
