using System.Collections.Concurrent;
using System.Diagnostics;
using ILGPU.Runtime;
using ILGPU.Runtime.OpenCL;

namespace GpuRnn.Training.Engines.Ilgpu;

/// <summary>
/// OpenCL compiles our kernels from ILGPU's generated C on the device's own compiler, which can refuse code that its
/// capabilities promised to accept (an H200 machine's pocl CPU device did). ILGPU then throws a bare
/// <see cref="CLException"/> and writes the compiler's log to <see cref="Trace"/> only; this turns that into one line
/// naming the device, the error and the log's first line, and tells, once per device and process, whether a device
/// builds our kernels at all.
/// </summary>
static class OpenClBuilds
{
    static readonly ConcurrentDictionary<(string Platform, string Device), string?> problems = new();

    /// <summary>Runs <paramref name="load"/> (a kernel load, which is what compiles); an OpenCL build failure becomes a <see cref="GpuRnnInputException"/>.</summary>
    public static T Load<T>(Accelerator accelerator, Func<T> load)
    {
        if (accelerator is not CLAccelerator) return load();
        using var log = new CompilerLog();
        using var quiet = new NativeStderrMuted();
        try
        {
            return load();
        }
        catch (CLException e)
        {
            throw new GpuRnnInputException($"OpenCL device '{accelerator.Name}' cannot build GpuRnn's kernels: {e.Error}{log.FirstLine}");
        }
    }

    /// <summary>
    /// Why <paramref name="device"/> cannot build our kernels, null if it can: it builds every kernel an engine may
    /// load (a device can build some and not others: that H200 machine's pocl built the Adam step but had no work-group
    /// scan for the tile kernel's loss) on an accelerator made for the purpose and closed again. Asked only of devices
    /// whose capabilities qualify, and only where an OpenCL device is asked for: it costs each such device seconds.
    /// </summary>
    public static string? Problem(CLDevice device) => problems.GetOrAdd((device.PlatformName, device.Name), _ =>
    {
        try
        {
            using var accelerator = device.CreateAccelerator(IlgpuContexts.For(EngineKind.OpenCL));
            new LoadedKernels(accelerator).PreloadAll();
            return null;
        }
        catch (GpuRnnInputException e)
        {
            return e.Message;
        }
        catch (Exception e) when (e is CLException or AcceleratorException or NotSupportedException)
        {
            return $"OpenCL device '{device.Name}' cannot open for GpuRnn's kernels: {e.Message}";
        }
    });

    /// <summary>
    /// Sends the process's native stderr (file descriptor 2) to /dev/null until disposed: a device's compiler may print
    /// there itself (pocl: "3 errors generated."), under the one line we print. Linux only; elsewhere it does nothing.
    /// Another thread's stderr output while a kernel builds is lost with it: builds are short, and happen before training.
    /// </summary>
    sealed class NativeStderrMuted : IDisposable
    {
        const int StandardError = 2, WriteOnly = 1;
        // Builds may overlap (engines on several threads): the first to start mutes, the last to end restores, so
        // that no build restores another's /dev/null as the real stderr.
        static readonly Lock gate = new();
        static int holders, saved = -1;
        bool disposed;

        public NativeStderrMuted()
        {
            if (!OperatingSystem.IsLinux()) return;
            lock (gate)
            {
                if (holders++ > 0) return;
                Console.Error.Flush();
                int devNull = open("/dev/null", WriteOnly);
                if (devNull < 0) return;
                saved = dup(StandardError);
                if (saved >= 0 && dup2(devNull, StandardError) < 0) { close(saved); saved = -1; }
                close(devNull);
            }
        }

        public void Dispose()
        {
            if (!OperatingSystem.IsLinux() || disposed) return;
            disposed = true;
            lock (gate)
            {
                if (--holders > 0 || saved < 0) return;
                dup2(saved, StandardError);
                close(saved);
                saved = -1;
            }
        }

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "open")] static extern int open(string path, int flags);
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "dup")] static extern int dup(int fd);
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "dup2")] static extern int dup2(int fd, int target);
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "close")] static extern int close(int fd);
    }

    /// <summary>
    /// The first line of an OpenCL build log that says something, ILGPU's own preamble skipped, with the compiler's
    /// temporary file name (pocl: <c>/root/.cache/pocl/kcache/tempfile_u2LIf4.cl:1347:12:</c>, new on every build)
    /// reduced to its line, so the same fault reads the same every time; null when there is none.
    /// </summary>
    internal static string? FirstLineOf(string log)
    {
        var line = log.Split('\n').Select(l => l.Trim())
            .FirstOrDefault(l => l.Length > 0 && !l.StartsWith("Kernel loading failed", StringComparison.Ordinal) && !l.StartsWith(">> No error", StringComparison.Ordinal));
        return line is null ? null : System.Text.RegularExpressions.Regex.Replace(line, @"\S*\.cl:(\d+):\d+:", "kernel source line $1:");
    }

    /// <summary>Collects what ILGPU traces while a kernel builds (the OpenCL compiler's log) until disposed.</summary>
    sealed class CompilerLog : TraceListener
    {
        readonly System.Text.StringBuilder text = new();

        public CompilerLog() => Trace.Listeners.Add(this);

        /// <summary>": " and the log's first line that says something (<see cref="FirstLineOf"/>), or "".</summary>
        public string FirstLine
        {
            get
            {
                lock (text) return FirstLineOf(text.ToString()) is { } line ? ": " + line : "";
            }
        }

        public override void Write(string? message) { lock (text) text.Append(message); }
        public override void WriteLine(string? message) { lock (text) text.Append(message).Append('\n'); }

        protected override void Dispose(bool disposing)
        {
            Trace.Listeners.Remove(this);
            base.Dispose(disposing);
        }
    }
}
