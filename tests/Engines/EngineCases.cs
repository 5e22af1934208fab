using GpuRnn.Training.Engines.FastCpu;
using GpuRnn.Training.Engines.Ilgpu;

namespace GpuRnn.Tests.Engines;

/// <summary>
/// How close an engine must come to <c>ScalarEngine&lt;float&gt;</c>, in <see cref="Close"/>'s terms: after one pass
/// (a forward, a batch's gradients, predictions) and after training (Adam steps over epochs, where differences compound).
/// </summary>
public sealed record Tolerance(double Pass, double Training, double Floor = 0)
{
    /// <summary>Bit for bit.</summary>
    public static readonly Tolerance Exact = new(0, 0);
}

/// <summary>Every tolerance of the engine contract, and why: one table.</summary>
public static class Tolerances
{
    /// <summary>
    /// The SIMD engines add the same terms in other orders (lanes, chunks, fused multiply–adds, a vector tanh within a
    /// few ulps): a few float32 roundings of the largest terms. 1e-4 of the vector's scale plus 1e-6 covers that with a
    /// wide margin, while a missing or doubled term (a real bug) is orders of magnitude larger.
    /// </summary>
    public static readonly Tolerance Simd = new(1e-4, 1e-4, 1e-6);

    /// <summary>The float64 engine against the float32 one: float32's rounding, compounded a little by training.</summary>
    public static readonly Tolerance Float64 = new(1e-5, 1e-4, 1e-6);

    /// <summary>
    /// ILGPU's CPU accelerator: .NET's float operations, only the order of the per-window gradient sums differs. CUDA:
    /// float tanh is tanh.approx.f32 (about 2⁻¹¹ relative) and ptxas fuses multiply-adds. OpenCL: a few ulp in tanh
    /// and exp, and a·b + c contracted into fma by default. Training compounds the GPU differences.
    /// </summary>
    public static Tolerance Of(EngineKind accelerator) => accelerator == EngineKind.IlgpuCpu ? new(1e-5, 1e-5) : new(1e-3, 5e-3);

    /// <summary>The tutorial's train and test RMSE after 20 epochs, absolute, for every engine.</summary>
    public const double TutorialRmse = 1e-4;
}

/// <summary>Which of the contract's shapes an engine case trains.</summary>
[Flags]
public enum ShapeSet
{
    /// <summary><see cref="NetworkCase.Small"/>'s one-layer shapes.</summary>
    OneLayer = 0,
    /// <summary>Stacked layers too (models in lanes take one layer; a grouped-kernel choice runs a stack on the reference kernels).</summary>
    Stacked = 1,
    /// <summary><see cref="NetworkCase.Large"/> too (too slow for ILGPU's CPU simulator).</summary>
    Large = 2,
    All = Stacked | Large,
}

/// <summary>
/// One engine, or one ILGPU kernel choice, that the contract runs: where (its <see cref="Kinds"/>: theory data), how to
/// make it there, how close it must come to the scalar engine, and which shapes it takes.
/// </summary>
public interface IEngineCase
{
    /// <summary>Where it runs: the CPU engine's own kind, or each ILGPU accelerator kind.</summary>
    static abstract EngineKind[] Kinds { get; }

    static abstract ShapeSet Takes { get; }

    /// <summary>An engine of <paramref name="models"/> models of <paramref name="spec"/> on <paramref name="kind"/>; skips the test, saying why, where its device is absent.</summary>
    IRnnEngine Create(EngineKind kind, ModelSpec spec, int models);

    Tolerance Tolerance(EngineKind kind);

    /// <summary>
    /// Bit for bit with the scalar engine wherever no sum over windows is involved: every window's outputs, and
    /// everything (losses, gradients, Adam steps, weights) at batch 1.
    /// </summary>
    bool ExactAtBatchOne(EngineKind kind) => false;

    /// <summary>M for the model dimension's checks.</summary>
    int SeveralModels => 3;

    /// <summary>Checks that a one-model engine of a contract shape runs the code this case names (e.g. its kernel choice).</summary>
    void AssertRunsItsCode(IRnnEngine engine, NetworkCase shape) { }

    /// <summary>Why 20 tutorial epochs are not run on <paramref name="kind"/> (null: they are).</summary>
    string? TutorialSkipped(EngineKind kind) => null;
}

/// <summary><c>ScalarEngine&lt;float&gt;</c> as the factory makes it (<see cref="SeparateModels"/> for several): the oracle against itself, so the checks of its own contract (reruns, the model dimension, any window length) run too.</summary>
public sealed class ScalarFloat : IEngineCase
{
    public static EngineKind[] Kinds => [EngineKind.Scalar];
    public static ShapeSet Takes => ShapeSet.All;
    public IRnnEngine Create(EngineKind kind, ModelSpec spec, int models) => EngineFactory.Create(kind, spec, models);
    public Tolerance Tolerance(EngineKind kind) => Engines.Tolerance.Exact;
    public bool ExactAtBatchOne(EngineKind kind) => true;
}

/// <summary><c>ScalarEngine&lt;double&gt;</c> (<see cref="SeparateModels"/> for several): the float64 reference the gradient checks trust.</summary>
public sealed class ScalarDouble : IEngineCase
{
    public static EngineKind[] Kinds => [EngineKind.Scalar];
    public static ShapeSet Takes => ShapeSet.All;
    public IRnnEngine Create(EngineKind kind, ModelSpec spec, int models) => Separate(models, () => new ScalarEngine<double>(spec));
    public Tolerance Tolerance(EngineKind kind) => Tolerances.Float64;

    /// <summary>One engine, or <paramref name="models"/> one-model engines as <see cref="SeparateModels"/> (as the factory trains several scalar or stacked SIMD models).</summary>
    internal static IRnnEngine Separate(int models, Func<IRnnEngine> create) =>
        models == 1 ? create() : new SeparateModels([.. Enumerable.Range(0, models).Select(_ => create())]);
}

/// <summary>
/// The SIMD engine with the windows of a batch in its lanes (<see cref="FastCpuEngine"/>, the factory's one-model
/// SIMD engine); several models on separate engines, as the factory trains stacked ones.
/// </summary>
public sealed class SimdWindowsInLanes(SimdWidth width = default) : IEngineCase
{
    public static EngineKind[] Kinds => [EngineKind.Simd];
    public static ShapeSet Takes => ShapeSet.All;
    public IRnnEngine Create(EngineKind kind, ModelSpec spec, int models) =>
        ScalarDouble.Separate(models, () => width.Forced() is { } w ? new FastCpuEngine(spec, w) : new FastCpuEngine(spec));
    public Tolerance Tolerance(EngineKind kind) => Tolerances.Simd;
}

/// <summary>The SIMD engine with models in its lanes (<see cref="ModelLanesEngine"/>, the factory's several-model engine for one layer): more models than lanes, so two chunks run on two threads.</summary>
public sealed class SimdModelsInLanes(SimdWidth width = default) : IEngineCase
{
    public static EngineKind[] Kinds => [EngineKind.Simd];
    public static ShapeSet Takes => ShapeSet.Large;
    public IRnnEngine Create(EngineKind kind, ModelSpec spec, int models) =>
        width.Forced() is { } w ? new ModelLanesEngine(spec, models, w) : new ModelLanesEngine(spec, models);
    public Tolerance Tolerance(EngineKind kind) => Tolerances.Simd;
    public int SeveralModels => ModelLanesEngine.Lanes + 2;
}

/// <summary>A SIMD case's vector width: 0, the widest this CPU has (as users get it); else that many bits, forced.</summary>
public readonly record struct SimdWidth(int Bits)
{
    /// <summary>The forced width (null: the engine's own choice); skips the test where this CPU lacks it in hardware.</summary>
    internal VectorWidth? Forced()
    {
        if (Bits == 0) return null;
        if (Bits > (int)VectorWidths.Widest) Assert.Skip($"this CPU runs vectors of at most {(int)VectorWidths.Widest} bits");
        return (VectorWidth)Bits;
    }
}

/// <summary>
/// An ILGPU kernel choice on each accelerator kind, on the device the collection opened once for that kind
/// (<see cref="AcceleratorContexts"/>): every engine shares its context and compiled kernels.
/// </summary>
public abstract class IlgpuCase
{
    readonly AcceleratorContexts devices;
    readonly IlgpuKernelChoice choice;

    private protected IlgpuCase(AcceleratorContexts devices, IlgpuKernelChoice choice) => (this.devices, this.choice) = (devices, choice);

    public static EngineKind[] Kinds => AcceleratorContexts.Kinds;

    public IRnnEngine Create(EngineKind kind, ModelSpec spec, int models) => IlgpuEngine.Create(devices.Device(kind), spec, choice, models);

    public Tolerance Tolerance(EngineKind kind) => Tolerances.Of(kind);

    /// <summary>At batch 1 the CPU accelerator sums nothing in another order.</summary>
    public bool ExactAtBatchOne(EngineKind kind) => kind == EngineKind.IlgpuCpu;

    /// <summary>The forced choices run what they name (ByShape follows KernelPlan's rule, which IlgpuEngineTests checks).</summary>
    public void AssertRunsItsCode(IRnnEngine engine, NetworkCase shape)
    {
        var plan = ((IlgpuEngine)engine).Plan;
        var tiles = plan.Tiles(shape.BatchSize);
        switch (choice)
        {
            case IlgpuKernelChoice.Tiles:
                Assert.False(plan.UsesEpochKernel(shape.BatchSize));
                Assert.True(tiles.WhInShared); // the contract's shapes are small enough
                break;
            case IlgpuKernelChoice.TilesGlobalWh:
                Assert.False(plan.UsesEpochKernel(shape.BatchSize));
                Assert.False(tiles.WhInShared);
                break;
            case IlgpuKernelChoice.EpochKernel:
                Assert.True(plan.UsesEpochKernel(shape.BatchSize));
                break;
        }
    }

    public string? TutorialSkipped(EngineKind kind) => kind == EngineKind.IlgpuCpu && choice != IlgpuKernelChoice.ByShape
        ? $"20 tutorial epochs on the {choice} kernels with a GPU's group shape cross ~100 000 barriers, each ~0.3 ms in ILGPU's CPU simulator; the by-shape case (one thread per group there) trains them here, and every choice on CUDA and OpenCL"
        : null;
}

/// <summary>What the engine runs by default: KernelPlan's rule picks the kernels by shape.</summary>
public sealed class KernelChoiceByShape(AcceleratorContexts devices) : IlgpuCase(devices, IlgpuKernelChoice.ByShape), IEngineCase
{
    public static ShapeSet Takes => ShapeSet.Stacked;
}

/// <summary>The tile kernels at every batch size (two launches a step), Wh in shared memory, groups shaped as on a GPU.</summary>
public sealed class KernelChoiceTiles(AcceleratorContexts devices) : IlgpuCase(devices, IlgpuKernelChoice.Tiles), IEngineCase
{
    public static ShapeSet Takes => ShapeSet.Stacked;
}

/// <summary>As <see cref="KernelChoiceTiles"/>, with Wh read from global memory (ByShape's variant for large hidden sizes).</summary>
public sealed class KernelChoiceTilesGlobalWh(AcceleratorContexts devices) : IlgpuCase(devices, IlgpuKernelChoice.TilesGlobalWh), IEngineCase
{
    public static ShapeSet Takes => ShapeSet.Stacked;
}

/// <summary>The one-launch epoch kernel at every batch size (one layer), groups shaped as on a GPU.</summary>
public sealed class KernelChoiceEpochKernel(AcceleratorContexts devices) : IlgpuCase(devices, IlgpuKernelChoice.EpochKernel), IEngineCase
{
    public static ShapeSet Takes => ShapeSet.OneLayer;
}
