using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace GpuRnn.Bench;

/// <summary>
/// The machine's fused multiply–add peak, measured rather than taken from a data sheet: one thread per logical CPU,
/// each running 12 independent FMA chains (enough to cover a 4-cycle latency on two FMA pipes, with room to spare)
/// at 512 bits, 256 bits and scalar. 2 FLOPs per FMA per lane. Each thread's work is divided by its own CPU time
/// (Linux), so a machine shared with other processes still shows what its cores can do; the best of a few short
/// runs per width is kept; the whole measurement takes about 0.3 s. <c>--table</c> divides each engine's GFLOP/s by the best width's figure
/// ("% of peak"); <c>--peak</c> prints it alone.
/// </summary>
public static class PeakFlops
{
    /// <summary>
    /// One width's measured peak, all threads together: each thread's FMA work over its own CPU time, summed (where
    /// the OS gives thread CPU times: Linux), so that other processes sharing the cores do not lower it; and over
    /// the wall time of the whole run, which they do.
    /// </summary>
    public sealed record Width(string Name, int Bits, bool Accelerated, double GigaflopsPerSecond, double WallGigaflopsPerSecond = 0);

    public sealed record Result(int Threads, IReadOnlyList<Width> Widths)
    {
        /// <summary>The fastest width: the denominator of "% of peak" (null only where no width has hardware FMA).</summary>
        public Width? Best => Widths.Where(w => w.Accelerated).MaxBy(w => w.GigaflopsPerSecond);

        public string Summary() =>
            $"FMA peak measured here ({Threads} thread(s), one per logical CPU, best of {Repeats}{(ThreadClock.Works ? ", each thread's FMAs over its own CPU time" : "")}): "
            + string.Join(", ", Widths.Select(w => w.Accelerated
                ? string.Create(CultureInfo.InvariantCulture, $"{w.Name} {w.GigaflopsPerSecond:F1} GFLOP/s")
                : $"{w.Name} without hardware FMA, not measured"));
    }

    const int Chains = 12;
    const int Repeats = 3;

    /// <summary>Target time of one timed run per width; calibrated on one thread first.</summary>
    static readonly TimeSpan RunTime = TimeSpan.FromMilliseconds(30);

    // Read at run time so the JIT cannot fold the chains into constants: acc = acc·a + b converges to
    // b / (1 − a) = 10, far from overflow and denormals.
    static float multiplier = 0.9999f, addend = 0.001f;

    /// <summary>Where every run's folded accumulators go, so that no chain is dead code.</summary>
    static float sink;

    public static Result Measure()
    {
        int threads = Environment.ProcessorCount;
        var widths = new List<Width>
        {
            Run("512-bit", 512, Vector512.IsHardwareAccelerated, Lanes512, threads),
            Run("256-bit", 256, Vector256.IsHardwareAccelerated && Fma.IsSupported, Lanes256, threads),
            Run("scalar", 32, Fma.IsSupported || AdvSimd.IsSupported, LanesScalar, threads),
        };
        return new Result(threads, widths);
    }

    public static int RunAlone()
    {
        var result = Measure();
        Console.WriteLine(result.Summary());
        Console.WriteLine(VectorLine());
        foreach (var w in result.Widths.Where(w => w.Accelerated))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {w.Name,-8} {w.GigaflopsPerSecond,8:F1} GFLOP/s = {w.GigaflopsPerSecond / result.Threads,7:F1} per thread"
                + $" = {w.GigaflopsPerSecond / result.Threads / (2.0 * w.Bits / 32):F2} G FMA instructions/s per thread"
                + $"; over wall time {w.WallGigaflopsPerSecond:F1} GFLOP/s"));
        if (ThreadClock.Works)
            Console.WriteLine("  (GFLOP/s: each thread's work over its own CPU time, summed, so other processes on these cores do not lower it;"
                + " the wall-time figure is what this run got.)");
        return 0;
    }

    /// <summary>What the SIMD engine's vectors are on this machine and runtime.</summary>
    public static string VectorLine() =>
        $"SIMD engine vectors: {32 * GpuRnn.Training.Engines.FastCpu.ModelLanesEngine.Lanes} bits"
        + (Environment.GetEnvironmentVariable("GPURNN_SIMD_WIDTH") is { Length: > 0 } asked ? $" (GPURNN_SIMD_WIDTH={asked}; the hardware's widest: " : " (the widest hardware-accelerated: ")
        + $"{(Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128)} bits) "
        + $"(Vector512 hardware-accelerated: {(Vector512.IsHardwareAccelerated ? "yes" : "no")}; Vector256: {(Vector256.IsHardwareAccelerated ? "yes" : "no")}; "
        + "a batch of up to 4 windows, and models in lanes, take the narrowest vectors that hold them)";

    static Width Run(string name, int bits, bool accelerated, Func<long, float> lanes, int threads)
    {
        if (!accelerated) return new Width(name, bits, false, 0);
        // Calibrate on one thread (this also compiles the loop, fully optimised: AggressiveOptimization).
        long iterations = 1 << 12;
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            sink += lanes(iterations);
            var elapsed = Stopwatch.GetElapsedTime(start);
            if (elapsed >= RunTime / 4 || iterations > 1L << 40) { iterations = (long)(iterations * (RunTime / elapsed)); break; }
            iterations *= 4;
        }
        double flopsPerThread = 2.0 * Chains * (bits / 32) * iterations;
        double best = 0, bestWall = 0;
        for (int r = 0; r < Repeats; r++)
        {
            var (wall, cpu) = AllThreads(lanes, iterations, threads);
            bestWall = Math.Max(bestWall, threads * flopsPerThread / wall / 1e9);
            best = Math.Max(best, cpu is null ? threads * flopsPerThread / wall / 1e9 : cpu.Sum(seconds => flopsPerThread / seconds) / 1e9);
        }
        return new Width(name, bits, true, best, bestWall);
    }

    /// <summary>
    /// Seconds from releasing every thread at once until the last one has finished, and each thread's CPU seconds
    /// (null where the OS does not give them).
    /// </summary>
    static (double Wall, double[]? Cpu) AllThreads(Func<long, float> lanes, long iterations, int threads)
    {
        var results = new float[threads];
        var cpu = new double[threads];
        int ready = 0;
        bool go = false;
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            Interlocked.Increment(ref ready);
            while (!Volatile.Read(ref go)) Thread.SpinWait(20);
            double before = ThreadClock.Seconds();
            results[t] = lanes(iterations);
            cpu[t] = ThreadClock.Seconds() - before;
        }) { IsBackground = true }).ToArray();
        foreach (var w in workers) w.Start();
        while (Volatile.Read(ref ready) < threads) Thread.Yield();
        long start = Stopwatch.GetTimestamp();
        Volatile.Write(ref go, true);
        foreach (var w in workers) w.Join();
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        sink += results.Sum();
        return (seconds, ThreadClock.Works && cpu.All(c => c > 0) ? cpu : null);
    }

    /// <summary>The calling thread's CPU time (Linux: clock_gettime(CLOCK_THREAD_CPUTIME_ID)); NaN elsewhere.</summary>
    static class ThreadClock
    {
        const int ThreadCpuTimeClock = 3; // CLOCK_THREAD_CPUTIME_ID

        [StructLayout(LayoutKind.Sequential)]
        struct TimeSpec { public long Seconds, Nanoseconds; }

        [DllImport("libc", EntryPoint = "clock_gettime")]
        static extern int ClockGetTime(int clock, out TimeSpec time);

        public static bool Works { get; } = OperatingSystem.IsLinux() && Environment.Is64BitProcess && !double.IsNaN(Read());

        public static double Seconds() => Works ? Read() : double.NaN;

        static double Read()
        {
            try
            {
                return ClockGetTime(ThreadCpuTimeClock, out var time) == 0 ? time.Seconds + time.Nanoseconds * 1e-9 : double.NaN;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return double.NaN;
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static float Lanes512(long iterations)
    {
        var a = Vector512.Create(multiplier);
        var b = Vector512.Create(addend);
        Vector512<float> c0 = Vector512<float>.One, c1 = c0 + b, c2 = c1 + b, c3 = c2 + b, c4 = c3 + b, c5 = c4 + b,
            c6 = c5 + b, c7 = c6 + b, c8 = c7 + b, c9 = c8 + b, c10 = c9 + b, c11 = c10 + b;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, a, b); c1 = Vector512.FusedMultiplyAdd(c1, a, b);
            c2 = Vector512.FusedMultiplyAdd(c2, a, b); c3 = Vector512.FusedMultiplyAdd(c3, a, b);
            c4 = Vector512.FusedMultiplyAdd(c4, a, b); c5 = Vector512.FusedMultiplyAdd(c5, a, b);
            c6 = Vector512.FusedMultiplyAdd(c6, a, b); c7 = Vector512.FusedMultiplyAdd(c7, a, b);
            c8 = Vector512.FusedMultiplyAdd(c8, a, b); c9 = Vector512.FusedMultiplyAdd(c9, a, b);
            c10 = Vector512.FusedMultiplyAdd(c10, a, b); c11 = Vector512.FusedMultiplyAdd(c11, a, b);
        }
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static float Lanes256(long iterations)
    {
        var a = Vector256.Create(multiplier);
        var b = Vector256.Create(addend);
        Vector256<float> c0 = Vector256<float>.One, c1 = c0 + b, c2 = c1 + b, c3 = c2 + b, c4 = c3 + b, c5 = c4 + b,
            c6 = c5 + b, c7 = c6 + b, c8 = c7 + b, c9 = c8 + b, c10 = c9 + b, c11 = c10 + b;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, a, b); c1 = Vector256.FusedMultiplyAdd(c1, a, b);
            c2 = Vector256.FusedMultiplyAdd(c2, a, b); c3 = Vector256.FusedMultiplyAdd(c3, a, b);
            c4 = Vector256.FusedMultiplyAdd(c4, a, b); c5 = Vector256.FusedMultiplyAdd(c5, a, b);
            c6 = Vector256.FusedMultiplyAdd(c6, a, b); c7 = Vector256.FusedMultiplyAdd(c7, a, b);
            c8 = Vector256.FusedMultiplyAdd(c8, a, b); c9 = Vector256.FusedMultiplyAdd(c9, a, b);
            c10 = Vector256.FusedMultiplyAdd(c10, a, b); c11 = Vector256.FusedMultiplyAdd(c11, a, b);
        }
        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static float LanesScalar(long iterations)
    {
        float a = multiplier, b = addend;
        float c0 = 1, c1 = c0 + b, c2 = c1 + b, c3 = c2 + b, c4 = c3 + b, c5 = c4 + b,
            c6 = c5 + b, c7 = c6 + b, c8 = c7 + b, c9 = c8 + b, c10 = c9 + b, c11 = c10 + b;
        for (long i = 0; i < iterations; i++)
        {
            c0 = MathF.FusedMultiplyAdd(c0, a, b); c1 = MathF.FusedMultiplyAdd(c1, a, b);
            c2 = MathF.FusedMultiplyAdd(c2, a, b); c3 = MathF.FusedMultiplyAdd(c3, a, b);
            c4 = MathF.FusedMultiplyAdd(c4, a, b); c5 = MathF.FusedMultiplyAdd(c5, a, b);
            c6 = MathF.FusedMultiplyAdd(c6, a, b); c7 = MathF.FusedMultiplyAdd(c7, a, b);
            c8 = MathF.FusedMultiplyAdd(c8, a, b); c9 = MathF.FusedMultiplyAdd(c9, a, b);
            c10 = MathF.FusedMultiplyAdd(c10, a, b); c11 = MathF.FusedMultiplyAdd(c11, a, b);
        }
        return c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
    }
}
