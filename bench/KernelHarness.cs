using System.Diagnostics;
using System.Globalization;
using GpuRnn.Training;
using GpuRnn.Training.Engines;
using GpuRnn.Training.Engines.Ilgpu;

namespace GpuRnn.Bench;

/// <summary>
/// <c>--kernels [--quick] [--only w2] [--accelerator cuda,opencl]</c>, llm.c's dev/cuda habit: on every ILGPU accelerator present, every kernel
/// variant (IlgpuKernelChoice) of every workload is first validated against the scalar engine (one batch's outputs
/// and gradients from the same weights), then timed (median of whole epochs, as the trainer runs them, after a
/// warm-up epoch). The engine, the tests and this harness drive the same IlgpuEngine and kernels; a variant that no
/// measurement picks for some workload has no place in KernelPlan.
/// </summary>
public static class KernelHarness
{
    /// <summary>Largest relative error a variant may show against the scalar engine: CUDA's tanh.approx.f32 is good to ~2⁻¹¹.</summary>
    const double Tolerance = 2e-3;

    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        int at = Array.IndexOf(args, "--only");
        var only = at >= 0 && at + 1 < args.Length ? args[at + 1].Split(',') : null;
        int epochs = quick ? 2 : 3;
        at = Array.IndexOf(args, "--accelerator");
        EngineKind[] kinds = [EngineKind.Cuda, EngineKind.OpenCL, EngineKind.IlgpuCpu];
        if (at >= 0)
        {
            var names = at + 1 < args.Length ? args[at + 1].Split(',') : [];
            var parsed = names.Select(EngineNames.Parse).ToArray();
            if (names.Length == 0 || parsed.Any(k => k is not (EngineKind.Cuda or EngineKind.OpenCL or EngineKind.IlgpuCpu)))
            {
                Console.Error.WriteLine($"--kernels --accelerator: a comma-separated list of cuda, opencl, ilgpu-cpu (got '{(at + 1 < args.Length ? args[at + 1] : "")}')");
                return 2;
            }
            kinds = [.. parsed.Select(k => k!.Value)];
        }
        if (!kinds.Any(IlgpuDevices.Has))
        {
            Console.Error.WriteLine($"--kernels: none of {string.Join(", ", kinds.Select(EngineNames.Of))} here ({string.Join("; ", kinds.Select(IlgpuDevices.WhyNone))})");
            return 2;
        }
        Console.WriteLine($"Kernel variants: validated against the scalar engine (max relative error of outputs and gradients, limit {Tolerance:G2}), "
            + $"then the median of {epochs} epochs after a warm-up epoch; {(quick ? "quick" : "full")} mode.");
        Console.WriteLine();
        Console.WriteLine("| accelerator | workload | variant | kernels | windows | max rel. error | windows/s |");
        Console.WriteLine("|---|---|---|---|---:|---:|---:|");
        bool allValid = true;
        foreach (var kind in kinds.Where(IlgpuDevices.Has))
        {
            using var device = IlgpuAccelerator.Open(kind);
            foreach (var workload in Workloads.All.Where(w => only is null || only.Contains(w.Name)))
                foreach (var choice in Enum.GetValues<IlgpuKernelChoice>())
                {
                    using var engine = IlgpuEngine.Create(device, workload.Spec, choice);
                    if (choice == IlgpuKernelChoice.EpochKernel && !engine.Plan.EpochKernelFits) continue;
                    double error = MaxRelativeError(engine, workload, kind == EngineKind.IlgpuCpu ? 16 : Math.Min(256, workload.BatchSize));
                    bool valid = error <= Tolerance;
                    allValid &= valid;
                    int windows = workload.WindowsFor(EngineKind.IlgpuCpu, quick: true);
                    if (kind != EngineKind.IlgpuCpu) windows = workload.WindowsFor(EngineKind.Simd, quick);
                    string rate = valid ? Rate(engine, workload, windows, epochs).ToString("N0", CultureInfo.InvariantCulture) : "not timed";
                    Console.WriteLine($"| {EngineNames.Of(kind)} | {workload.Name} | {choice} | {Kernels(engine.Plan, workload.BatchSize)} | {windows:N0} | "
                        + $"{error.ToString("0.0e+0", CultureInfo.InvariantCulture)}{(valid ? "" : " MISMATCH")} | {rate} |");
                }
        }
        return allValid ? 0 : 1;
    }

    static string Kernels(KernelPlan plan, int batch) => plan.UsesEpochKernel(batch)
        ? $"epoch kernel, {plan.EpochThreads} threads"
        : plan.Tiles(batch) is var t ? $"tiles of {t.TileWindows} × {t.Threads} threads, Wh in {(t.WhInShared ? "shared" : "global")}" : "";

    /// <summary>One batch forward and backward from the same weights on the variant and on ScalarEngine&lt;float&gt;.</summary>
    static double MaxRelativeError(IRnnEngine engine, Workload workload, int count)
    {
        var data = workload.Data(count);
        count = Math.Min(count, data.Count);
        using var scalar = new ScalarEngine<float>(workload.Spec);
        double worst = 0;
        var parameters = workload.InitialParameters();
        float[][] results = new float[2][];
        float[][] outputs = new float[2][];
        int i = 0;
        foreach (var e in new IRnnEngine[] { scalar, engine })
        {
            e.SetTrainingData(data);
            e.SetParameters(parameters);
            e.Forward(0, count);
            e.Backward();
            results[i] = e.GetGradients();
            outputs[i] = e.Predict(data.Slice(0, count));
            e.TakeLossSums();
            i++;
        }
        foreach (var (a, b) in new[] { (results[0], results[1]), (outputs[0], outputs[1]) })
        {
            double scale = a.Max(v => Math.Abs(v)) + 1e-12;
            for (int k = 0; k < a.Length; k++) worst = Math.Max(worst, Math.Abs(a[k] - b[k]) / scale);
        }
        return worst;
    }

    /// <summary>Windows per second: the median of whole epochs after a warm-up one, reading the loss at each epoch's end (which waits for the device).</summary>
    static double Rate(IRnnEngine engine, Workload workload, int windows, int epochs)
    {
        var data = workload.Data(windows);
        engine.SetTrainingData(data);
        engine.SetParameters(workload.InitialParameters());
        var adam = new AdamSchedule(new AdamOptions());
        var times = new List<double>();
        for (int epoch = 0; epoch <= epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            Trainer.RunEpoch(engine, data.Count, workload.BatchSize, adam);
            engine.TakeLossSum();
            if (epoch > 0) times.Add(clock.Elapsed.TotalSeconds);
        }
        times.Sort();
        return data.Count / times[times.Count / 2];
    }
}
