using System.Diagnostics;
using System.Globalization;
using GpuRnn.Training;
using GpuRnn.Training.Model;

namespace GpuRnn.Bench;

/// <summary>
/// Stopwatch timing of Keras's initialisers for one wide layer (<c>--init [--hidden N] [--runs R]</c>): the whole
/// <see cref="Initializers.KerasDefaults"/> and, separately, its two costly parts (the n² normal draws and the QR
/// orthonormalisation), each as the median of R runs after one warm-up run.
/// </summary>
public static class InitMode
{
    public static int Run(string[] args)
    {
        int hidden = int.Parse(Option(args, "--hidden") ?? "4096", CultureInfo.InvariantCulture);
        int runs = int.Parse(Option(args, "--runs") ?? "5", CultureInfo.InvariantCulture);
        var layout = (ModelSpec.Tutorial with { Units = [hidden] }).Layout();
        Console.WriteLine($"Initialisers for hidden {hidden} ({layout.Count} parameters), {Environment.ProcessorCount} logical CPUs, "
            + $"median of {runs} after a warm-up:");

        Report("KerasDefaults (all)", runs, () => Initializers.KerasDefaults(layout, seed: 1));
        double[]? gaussian = null;
        Report("normal draws", runs, () => gaussian = Initializers.GaussianColumns(new SeededRandom(1, RandomStream.InitialWeights), hidden, hidden));
        Report("orthonormalisation*", runs, () => Orthonormalization.OrthonormalizeColumns((double[])gaussian!.Clone(), hidden, hidden));
        Console.WriteLine("  * through the public array API: includes copying the matrix into the kernels' layout and back, and cloning it.");
        Console.WriteLine("  Fresh memory is part of every figure: first-touch page faults cost ~0.45 s per 128 MiB on this sandboxed machine.");
        return 0;
    }

    static void Report(string what, int runs, Action action)
    {
        action(); // warm-up: JIT, first touch of the arrays
        var times = new double[runs];
        var cpu = new double[runs];
        using var process = Process.GetCurrentProcess();
        for (int i = 0; i < runs; i++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            action();
            times[i] = clock.Elapsed.TotalMilliseconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
        }
        // CPU time beside wall time: on a shared machine the wall time also counts the waits for a core.
        Array.Sort(times);
        Array.Sort(cpu);
        Console.WriteLine($"  {what,-22} {times[runs / 2],9:F1} ms  (runs: {string.Join(", ", times.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))}); "
            + $"CPU time median {cpu[runs / 2]:F0} ms");
    }

    static string? Option(string[] args, string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
