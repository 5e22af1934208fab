using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using GpuRnn.Kernels;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>
/// A batch laid out lane-major, for both SIMD layouts: windows are taken <see cref="BlockWindows"/> at a time (a block:
/// <see cref="Rows"/> vectors of <see cref="Width"/> lanes), and every value of a block is that many vectors holding
/// it for each of the block's windows, stored together. With windows in lanes (<see cref="FastCpuEngine"/>) a block's
/// windows are a run of the batch; with models in lanes (<see cref="ModelLanesEngine"/>) lane l holds model l's
/// window of the batch row. The recurrence runs as vector multiply–adds with each lane's weights
/// (<see cref="ILaneWeights"/>), which stays efficient at any hidden size, including the tutorial's 3 units where
/// vectorising along the units would leave most of a vector empty; the R vectors of a block advance together, so
/// the products reuse every weight they load R times (<see cref="LaneProducts{V, L, S}"/>).
/// Per block this keeps the inputs, every layer's hidden states (row 0 is h_0 = 0), outputs and targets, which is
/// what BPTT needs after the forward pass. <see cref="LaneBatch{V, L, S}"/> is the code, once for every vector width
/// and both layouts; this base holds what needs no vectors.
/// </summary>
abstract class LaneBatch
{
    protected readonly ParameterLayout g;
    protected readonly int steps;
    protected readonly float[] x, y, o, losses;
    protected readonly float[][] h;
    protected readonly int[] valid;

    protected LaneBatch(ParameterLayout layout, int timeSteps, int width, int rows, int blocks)
    {
        (g, steps, Width, Rows, Blocks) = (layout, timeSteps, width, rows, blocks);
        int windows = rows * width;
        x = new float[blocks * steps * g.Features * windows];
        y = new float[blocks * g.Outputs * windows];
        o = new float[blocks * g.Outputs * windows];
        h = new float[g.Layers][];
        for (int l = 0; l < g.Layers; l++) h[l] = new float[blocks * (steps + 1) * g.Units[l] * windows];
        valid = new int[blocks];
        losses = new float[windows];
    }

    /// <summary>A batch of <paramref name="blocks"/> blocks of <paramref name="rows"/> vectors of the given width, for one layout.</summary>
    public static LaneBatch Create(VectorWidth width, bool modelsInLanes, ParameterLayout layout, int timeSteps, int blocks, int rows) =>
        width.With(new Maker(modelsInLanes, layout, timeSteps, blocks, rows));

    readonly record struct Maker(bool ModelsInLanes, ParameterLayout Layout, int TimeSteps, int Blocks, int Rows) : IWidthGeneric<LaneBatch>
    {
        public LaneBatch Invoke<V, L>() where V : unmanaged where L : IVectorLanes<V> => ModelsInLanes
            ? new LaneBatch<V, L, PerLaneWeights>(Layout, TimeSteps, Blocks, Rows)
            : new LaneBatch<V, L, SharedWeights>(Layout, TimeSteps, Blocks, Rows);
    }

    /// <summary>Lanes per vector.</summary>
    public int Width { get; }
    /// <summary>Vectors per block: 1, or 4 (<see cref="LaneProducts{V, L, S}.Product"/>'s tiles).</summary>
    public int Rows { get; }
    public int BlockWindows => Rows * Width;
    /// <summary>How many blocks this batch can hold.</summary>
    public int Blocks { get; }
    /// <summary>Steps of the windows it holds.</summary>
    public int Steps => steps;

    /// <summary>Each window's mean squared error in the block last forwarded, by window (the used ones).</summary>
    public ReadOnlySpan<float> Losses => losses;

    /// <summary>
    /// Copies windows <c>order[first .. first + count)</c> (count ≤ <see cref="BlockWindows"/>) into block
    /// <paramref name="block"/>, transposing them to lane-major: value v of window n goes to v·windows + n, which is
    /// vector n / lanes of the value's R, lane n % lanes. Unused lanes get zeros so they stay finite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Load(int block, ReadOnlySpan<float> sourceX, ReadOnlySpan<float> sourceY, ReadOnlySpan<int> order, int first, int count)
    {
        int windows = BlockWindows, windowLength = steps * g.Features, outs = g.Outputs;
        var bx = x.AsSpan(block * windowLength * windows, windowLength * windows);
        var by = y.AsSpan(block * outs * windows, outs * windows);
        if (count < windows) { bx.Clear(); by.Clear(); }
        var windowsOf = order.Slice(first, count);
        for (int n = 0; n < windowsOf.Length; n++)
        {
            // Shuffled windows of a large set are cache misses one by one: ask for a later window's lines now.
            if (n + PrefetchAhead < windowsOf.Length) Prefetch(sourceX, sourceY, windowsOf[n + PrefetchAhead], windowLength, outs);
            int window = windowsOf[n];
            ref float source = ref MemoryMarshal.GetReference(sourceX.Slice(window * windowLength, windowLength));
            ref float column = ref bx[n];
            for (int i = 0; i < windowLength; i++) Unsafe.Add(ref column, i * windows) = Unsafe.Add(ref source, i);
            if (!sourceY.IsEmpty)
                for (int k = 0; k < outs; k++) by[k * windows + n] = sourceY[window * outs + k];
        }
        valid[block] = count;
    }

    /// <summary>Windows ahead that <see cref="Load"/> prefetches: about a DRAM latency of copying.</summary>
    const int PrefetchAhead = 8;

    /// <summary>Brings a window's inputs and targets towards L1 (x86 only; elsewhere nothing): a hint, never a fault.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Prefetch(ReadOnlySpan<float> sourceX, ReadOnlySpan<float> sourceY, int window, int windowLength, int outs)
    {
        if (!Sse.IsSupported) return;
        Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.AsRef(in sourceX[window * windowLength])));
        if (!sourceY.IsEmpty) Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.AsRef(in sourceY[window * outs])));
    }

    /// <summary>Output <paramref name="k"/> of window <paramref name="n"/> of block <paramref name="block"/> (of its last forward pass).</summary>
    public float Output(int block, int n, int k) => o[(block * g.Outputs + k) * BlockWindows + n];

    /// <summary>Forward pass of one block (<see cref="Load"/>ed): its outputs, each used window's loss in <see cref="Losses"/>, and their sum in window order.</summary>
    public abstract double Forward(int block, ReadOnlySpan<float> w);
    /// <param name="transposed">The weights with every kernel transposed (<see cref="TransposeKernels"/>), for BPTT's products.</param>
    public abstract void Backward(int block, ReadOnlySpan<float> w, ReadOnlySpan<float> transposed, Span<float> grad, float scale, LaneScratch scratch);
    /// <summary>total += part, lane-wise where whole vectors fit.</summary>
    public abstract void Add(Span<float> total, ReadOnlySpan<float> part);
    /// <summary>
    /// Adam exactly as <see cref="AdamStep"/> states it, lane-wise (no fused multiply–add, like the reference), with
    /// <paramref name="step"/>'s α, or each lane's own from <paramref name="laneAlphas"/> (models in lanes).
    /// </summary>
    public abstract void Adam(Span<float> w, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, AdamStep step, ReadOnlySpan<float> laneAlphas);

    /// <summary>The kernels of a layout, whose transposes BPTT reads (<see cref="TransposeKernels"/>).</summary>
    public static TensorSlot[] Kernels(ParameterLayout layout) => [.. layout.Kernel, .. layout.RecurrentKernel, layout.DenseKernel];

    /// <summary>
    /// Each of <paramref name="kernels"/> ([rows × columns] at its offset in <paramref name="w"/>, <paramref name="floats"/>
    /// floats per parameter) transposed into the same place of <paramref name="transposed"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TransposeKernels(TensorSlot[] kernels, ReadOnlySpan<float> w, Span<float> transposed, int floats)
    {
        foreach (var slot in kernels)
            for (int i = 0; i < slot.Rows; i++)
                for (int j = 0; j < slot.Columns; j++)
                {
                    int from = (slot.Offset + i * slot.Columns + j) * floats, to = (slot.Offset + j * slot.Rows + i) * floats;
                    for (int f = 0; f < floats; f++) transposed[to + f] = w[from + f];
                }
    }
}

sealed class LaneBatch<V, L, S> : LaneBatch where V : unmanaged where L : IVectorLanes<V> where S : ILaneWeights
{
    readonly int rows;
    /// <summary>Each layer's kernel, recurrent kernel and bias offsets (the layout's lists are interfaces: slow per step).</summary>
    readonly int[] kernel, recurrent, bias;

    /// <param name="timeSteps">Steps of the windows this batch holds (the weights fit any).</param>
    public LaneBatch(ParameterLayout layout, int timeSteps, int blocks, int rows) : base(layout, timeSteps, L.Count, rows, blocks)
    {
        this.rows = rows;
        kernel = [.. layout.Kernel.Select(s => s.Offset)];
        recurrent = [.. layout.RecurrentKernel.Select(s => s.Offset)];
        bias = [.. layout.Bias.Select(s => s.Offset)];
    }

    /// <summary>Block <paramref name="block"/>'s part of <paramref name="a"/>: <paramref name="values"/> values of R vectors each.</summary>
    Span<V> View(float[] a, int block, int values) => MemoryMarshal.Cast<float, V>(a.AsSpan(block * values * BlockWindows, values * BlockWindows));

    Span<V> Inputs(int block) => View(x, block, steps * g.Features);
    Span<V> States(int block, int layer) => View(h[layer], block, (steps + 1) * g.Units[layer]);
    Span<V> Outputs(int block) => View(o, block, g.Outputs);
    Span<V> Targets(int block) => View(y, block, g.Outputs);

    /// <summary>Parameters offset … offset + count − 1 of a weight or gradient array.</summary>
    static Span<float> Parameters(Span<float> a, int offset, int count) => a.Slice(offset * S.Floats<V, L>(), count * S.Floats<V, L>());

    /// <summary>h_t = f(x_t·Wx + h_{t−1}·Wh + b) layer by layer, then o = g(h_T·Wy + by), and each used window's mean (o − y)².</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override double Forward(int block, ReadOnlySpan<float> w)
    {
        for (int l = 0; l < g.Layers; l++)
        {
            int units = g.Units[l] * rows, inputs = g.Inputs[l] * rows;
            var states = States(block, l);
            Span<V> input = l == 0 ? Inputs(block) : States(block, l - 1)[(g.Units[l - 1] * rows)..];
            for (int t = 0; t < steps; t++)
            {
                var next = states.Slice((t + 1) * units, units);
                LaneProducts<V, L, S>.Product(w, bias[l], input.Slice(t * inputs, inputs), kernel[l], states.Slice(t * units, units), recurrent[l], next, rows);
                LaneActivations<V, L>.Activate(next, g.HiddenActivation);
            }
        }
        int top = g.TopUnits * rows, outs = g.Outputs;
        var outputs = Outputs(block);
        LaneProducts<V, L, S>.Product(w, g.DenseBias.Offset, States(block, g.Layers - 1).Slice(steps * top, top), g.DenseKernel.Offset, default, 0, outputs, rows);
        LaneActivations<V, L>.Activate(outputs, g.OutputActivation);

        var targets = Targets(block);
        double sum = 0;
        for (int r = 0; r < rows; r++)
        {
            var squared = L.Zero;
            for (int k = 0; k < outs; k++)
            {
                var e = L.Subtract(outputs[k * rows + r], targets[k * rows + r]);
                squared = L.Add(squared, L.Multiply(e, e));
            }
            for (int lane = 0, used = Math.Min(L.Count, valid[block] - r * L.Count); lane < used; lane++)
                sum += losses[r * L.Count + lane] = L.Lane(squared, lane) / outs;
        }
        return sum;
    }

    /// <summary>
    /// BPTT for one block, adding its windows' share of the batch loss's gradient to <paramref name="grad"/>
    /// (in a fixed order, so the sum never depends on threads). <paramref name="scale"/> is 2/(batch·outputs).
    /// Per layer, from the top: da_t = (dOut_t + dh_t)·f′(h_t), dh_{t−1} = da_t·Whᵀ, dOut_t of the layer below =
    /// da_t·Wxᵀ; the weight gradients are then sums over time (and, for windows in lanes, lanes) of outer products with
    /// da: with windows in lanes, a matrix product on da packed per step where the units fill whole vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward(int block, ReadOnlySpan<float> w, ReadOnlySpan<float> transposed, Span<float> grad, float scale, LaneScratch scratch)
    {
        int outs = g.Outputs, top = g.TopUnits;
        var outputs = Outputs(block);
        var targets = Targets(block);
        var dz = scratch.OutputDelta<V>(outs * rows);
        for (int r = 0; r < rows; r++)
        {
            var mask = L.FirstLanes(Math.Clamp(valid[block] - r * L.Count, 0, L.Count));
            for (int k = 0; k < outs; k++)
            {
                var e = L.Multiply(L.Multiply(L.Broadcast(scale), L.Subtract(outputs[k * rows + r], targets[k * rows + r])),
                    LaneActivations<V, L>.Derivative(outputs[k * rows + r], g.OutputActivation));
                dz[k * rows + r] = L.And(mask, e);
            }
        }
        ref float grad0 = ref MemoryMarshal.GetReference(grad);
        for (int k = 0; k < outs; k++)
            for (int r = 0; r < rows; r++) S.Accumulate<V, L>(ref grad0, g.DenseBias.Offset + k, dz[k * rows + r]);
        // The top layer receives the head's gradient at its last step only: that step is written here, and the earlier
        // ones are never read (no clearing of steps × units × R vectors a block).
        var dOut = scratch.OutputGradient<V>(steps * top * rows);
        var last = States(block, g.Layers - 1).Slice(steps * top * rows, top * rows);
        LaneProducts<V, L, S>.OuterProductSum(last, top, 0, dz, outs, 1, rows, Parameters(grad, g.DenseKernel.Offset, top * outs));
        LaneProducts<V, L, S>.Product(transposed, -1, dz, g.DenseKernel.Offset, default, 0, dOut.Slice((steps - 1) * top * rows, top * rows), rows);

        for (int l = g.Layers - 1; l >= 0; l--)
        {
            int units = g.Units[l], inputs = g.Inputs[l], width = units * rows;
            int kernel = this.kernel[l], recurrent = this.recurrent[l], bias = this.bias[l];
            var states = States(block, l);
            Span<V> input = l == 0 ? Inputs(block) : States(block, l - 1)[(g.Units[l - 1] * rows)..];
            var da = scratch.Delta<V>(steps * width);
            var dh = scratch.HiddenGradient<V>(width);
            var dBelow = l > 0 ? scratch.BelowGradient<V>(steps * inputs * rows) : default;
            bool packs = S.Shared && LaneProducts<V, L, S>.ManyRegisters && units % L.Count == 0;
            var packed = packs ? scratch.Packed(steps * width * L.Count) : default;
            dh.Clear();
            for (int t = steps - 1; t >= 0; t--)
            {
                var daT = da.Slice(t * width, width);
                var hT = states.Slice((t + 1) * width, width);
                var dOutT = dOut.Slice(t * width, width);
                if (l == g.Layers - 1 && t < steps - 1) // nothing arrives from the head: + 0 as before, the same bits
                    for (int e = 0; e < width; e++)
                        daT[e] = L.Multiply(L.Add(L.Zero, dh[e]), LaneActivations<V, L>.Derivative(hT[e], g.HiddenActivation));
                else
                    for (int e = 0; e < width; e++)
                        daT[e] = L.Multiply(L.Add(dOutT[e], dh[e]), LaneActivations<V, L>.Derivative(hT[e], g.HiddenActivation));
                if (packs) LaneProducts<V, L, S>.Pack(daT, units, rows, packed.Slice(t * width * L.Count, width * L.Count));
                if (t > 0) LaneProducts<V, L, S>.Product(transposed, -1, daT, recurrent, default, 0, dh, rows);
                if (l > 0) LaneProducts<V, L, S>.Product(transposed, -1, daT, kernel, default, 0, dBelow.Slice(t * inputs * rows, inputs * rows), rows);
            }
            if (packs)
            {
                LaneProducts<V, L, S>.PackedSum(packed, units, steps * rows * L.Count, Parameters(grad, bias, units));
                LaneProducts<V, L, S>.PackedOuterProduct(input, inputs, 0, packed, units, steps, rows, Parameters(grad, kernel, inputs * units));
                // h_{t−1} for t = 0 is zero, so the recurrent sum starts at t = 1 (state row t is h_{t−1} of step t).
                LaneProducts<V, L, S>.PackedOuterProduct(states, units, 1, packed, units, steps, rows, Parameters(grad, recurrent, units * units));
            }
            else
            {
                for (int j = 0; j < units; j++)
                {
                    var sum = L.Zero;
                    for (int t = 0; t < steps; t++)
                        for (int r = 0; r < rows; r++) sum = L.Add(sum, da[(t * units + j) * rows + r]);
                    S.Accumulate<V, L>(ref grad0, bias + j, sum);
                }
                LaneProducts<V, L, S>.OuterProductSum(input, inputs, 0, da, units, steps, rows, Parameters(grad, kernel, inputs * units));
                LaneProducts<V, L, S>.OuterProductSum(states, units, 1, da, units, steps, rows, Parameters(grad, recurrent, units * units));
            }
            if (l > 0) dOut = scratch.SwapGradients<V>();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Add(Span<float> total, ReadOnlySpan<float> part)
    {
        var sum = MemoryMarshal.Cast<float, V>(total);
        var lanes = MemoryMarshal.Cast<float, V>(part);
        for (int i = 0; i < sum.Length; i++) sum[i] = L.Add(sum[i], lanes[i]);
        for (int i = sum.Length * L.Count; i < total.Length; i++) total[i] += part[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Adam(Span<float> w, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, AdamStep step, ReadOnlySpan<float> laneAlphas)
    {
        var oneMinusBeta1 = L.Broadcast(1f - step.Beta1);
        var oneMinusBeta2 = L.Broadcast(1f - step.Beta2);
        var alpha = laneAlphas.IsEmpty ? L.Broadcast(step.Alpha) : L.Create(laneAlphas);
        var epsilon = L.Broadcast(step.Epsilon);
        var wv = MemoryMarshal.Cast<float, V>(w);
        var gv = MemoryMarshal.Cast<float, V>(grad);
        var mv = MemoryMarshal.Cast<float, V>(m);
        var vv = MemoryMarshal.Cast<float, V>(v);
        for (int i = 0; i < wv.Length; i++)
        {
            var g = gv[i];
            mv[i] = L.Add(mv[i], L.Multiply(L.Subtract(g, mv[i]), oneMinusBeta1));
            vv[i] = L.Add(vv[i], L.Multiply(L.Subtract(L.Multiply(g, g), vv[i]), oneMinusBeta2));
            wv[i] = L.Subtract(wv[i], L.Divide(L.Multiply(alpha, mv[i]), L.Add(L.Sqrt(vv[i]), epsilon)));
        }
        for (int i = wv.Length * L.Count; i < w.Length; i++)
        {
            float g = grad[i];
            m[i] += (g - m[i]) * (1f - step.Beta1);
            v[i] += (g * g - v[i]) * (1f - step.Beta2);
            w[i] -= step.Alpha * m[i] / (MathF.Sqrt(v[i]) + step.Epsilon);
        }
    }
}

