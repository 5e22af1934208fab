using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Algorithms.ScanReduceOperations;

namespace GpuRnn.Kernels;

/// <summary>
/// One training step's device work but the reduction, in ONE launch: each group owns a tile of a model's batch
/// (<see cref="TileShape"/>) and runs, persistent over the time steps and layers, the forward pass of its windows
/// (a thread per unit and four windows, so each Wh value loaded feeds four multiply-adds, or per unit and window where
/// the group has a thread for each; h double-buffered in shared memory, every h_t kept in global memory for BPTT), the
/// Dense head and the tile's loss, then BPTT top layer first (δ and dh in shared memory, each step's δ kept in
/// global memory), then the tile's share of every gradient (thread per parameter, a fixed order: window by window,
/// last step first, as ScalarEngine.Backward). <see cref="ReduceKernel"/> then sums the tiles in order and takes
/// Adam's step: two launches per step (three with Wh in global memory: <see cref="TransposeRecurrent"/> first), no
/// atomics, the same bits on every run.
/// </summary>
/// <remarks>
/// <see cref="Step"/> copies each layer's Wh into shared memory with rows padded to U + 1 floats, so the forward
/// pass (a warp reading a row: consecutive j) and the backward pass (a warp reading a column: consecutive i, U + 1
/// apart) are both free of bank conflicts; <see cref="StepGlobalWh"/> reads Wh where it lies, for hidden sizes
/// whose Wh does not fit ILGPU's 48 KB per group. Same sums in the same order as the scalar engine within a tile,
/// so a batch in one tile gives its bits on the CPU accelerator. No step assumes a warp size.
/// </remarks>
public static class TileKernel
{
    /// <summary>Dynamic shared memory: [Wh padded, U(U + 1), <see cref="Step"/> only] [h or δ, dh: 2·W·U] [o, dz: 2·W·O], U the widest layer, W windows per tile.</summary>
    public static int SharedFloats(NetworkShape net, int tileWindows, bool whInShared) =>
        (whInShared ? PaddedWhFloats(net) : 0) + 2 * tileWindows * (net.MaxUnits + net.Outputs);

    static int PaddedWhFloats(NetworkShape net) => net.MaxUnits * (net.MaxUnits + 1);

    /// <summary>The step with every layer's Wh in shared memory (padded rows).</summary>
    /// <param name="transposed">Unused here (the shared copy serves both passes); a view for the common signature.</param>
    [GroupedKernel]
    public static void Step(ArrayView<float> x, ArrayView<float> y, ArrayView<int> order, ArrayView<float> weights, ArrayView<float> transposed,
        ArrayView<LayerShape> layers, ArrayView<float> states, ArrayView<float> stateGradients, ArrayView<float> outputs, ArrayView<float> partials,
        ArrayView<float> lossPartials, NetworkShape net, TileShape tile)
    {
        var shared = SharedMemory.GetDynamic<float>();
        int whFloats = PaddedWhFloats(net);
        var wh = shared.SubView(0, whFloats);
        Run(wh, wh, true, shared.SubView(whFloats, 2 * tile.TileWindows * (net.MaxUnits + net.Outputs)),
            x, y, order, weights, layers, states, stateGradients, outputs, partials, lossPartials, net, tile);
    }

    /// <summary>
    /// The step with Wh read from global memory (L1/L2-cached on a GPU): the weights in the forward pass, and in BPTT
    /// <paramref name="transposed"/>, which <see cref="TransposeRecurrent"/> filled from them before the launch, so
    /// that a warp reading a row of Wh (its threads' consecutive i) reads consecutive floats there. Reading Wh's rows
    /// in place made every warp load touch 32 cache sectors: on an H200, w3's step spent its time on it (ncu: 75% of
    /// the sectors loaded excess, L1 81% busy).
    /// </summary>
    [GroupedKernel]
    public static void StepGlobalWh(ArrayView<float> x, ArrayView<float> y, ArrayView<int> order, ArrayView<float> weights, ArrayView<float> transposed,
        ArrayView<LayerShape> layers, ArrayView<float> states, ArrayView<float> stateGradients, ArrayView<float> outputs, ArrayView<float> partials,
        ArrayView<float> lossPartials, NetworkShape net, TileShape tile)
    {
        Run(weights, transposed, false, SharedMemory.GetDynamic<float>(), x, y, order, weights, layers, states, stateGradients, outputs, partials, lossPartials, net, tile);
    }

    /// <summary>
    /// transposed[model·P + Wh's offset + j·U + i] = Wh[i, j] of every layer of every model (index: model·P + parameter;
    /// the rest of the row is left as it is): BPTT's rows of Wh as columns, for <see cref="StepGlobalWh"/>.
    /// </summary>
    public static void TransposeRecurrent(Index1D index, ArrayView<float> weights, ArrayView<float> transposed, ArrayView<LayerShape> layers, int layerCount, int parameterCount)
    {
        int parameter = index % parameterCount, modelBase = index - parameter;
        for (int l = 0; l < layerCount; l++)
        {
            var layer = layers[l];
            int units = layer.Units, at = parameter - layer.RecurrentOffset;
            if (at < 0 || at >= units * units) continue;
            int i = at / units, j = at - i * units;
            transposed[modelBase + layer.RecurrentOffset + j * units + i] = weights[index];
        }
    }

    /// <summary>
    /// A thread's rows in the recurrence: a quad (4 rows, each Wh value loaded feeding four multiply-adds) where the
    /// tile's quads keep the group's threads busy, else one row, so that a tile of few windows and many units (w3: 4
    /// windows, 128 units, 512 threads) does not leave three quarters of the group waiting at each step's barrier.
    /// Either way a sum runs in the scalar engine's order, so the bits are the same.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int RowsPerThread(TileRows rows, int units) => rows.Count * units <= Group.DimX ? 1 : 4;

    /// <param name="wh">Where the forward pass reads Wh: shared memory (<paramref name="copy"/>: each layer's copied there first) or the weights of every model.</param>
    /// <param name="whColumns">Where BPTT reads Wh's rows, U + 1 apart and contiguous (the padded shared copy), or as columns of the transposed copy.</param>
    /// <param name="scratch">Shared: [h or δ, dh: 2·W·U] [o: W·O] [dz: W·O].</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Run(ArrayView<float> wh, ArrayView<float> whColumns, bool copy, ArrayView<float> scratch, ArrayView<float> x, ArrayView<float> y, ArrayView<int> order,
        ArrayView<float> weights, ArrayView<LayerShape> layers, ArrayView<float> states, ArrayView<float> stateGradients, ArrayView<float> outputs,
        ArrayView<float> partials, ArrayView<float> lossPartials, NetworkShape net, TileShape tile)
    {
        var rows = new TileRows(tile, net);
        int p = net.ParameterCount, outs = net.Outputs, steps = net.TimeSteps;
        int modelBase = rows.Model * p;
        var w = weights.SubView(modelBase, p);
        int half = tile.TileWindows * net.MaxUnits;
        var h = scratch.SubView(0, 2 * half);
        var o = scratch.SubView(2 * half, tile.TileWindows * outs);
        var dz = scratch.SubView(2 * half + tile.TileWindows * outs, tile.TileWindows * outs);

        for (int l = 0; l < net.Layers; l++)
        {
            var layer = layers[l];
            int units = layer.Units;
            LoadRecurrent(wh, copy, w, layer);
            int whBase = copy ? 0 : modelBase + layer.RecurrentOffset, whStride = copy ? units + 1 : units;
            for (int k = Group.IdxX; k < rows.Count * units; k += Group.DimX)
            {
                h[k] = 0f;
                states[rows.State(k / units, layer) + k % units] = 0f;
            }
            Group.Barrier();
            for (int t = 0; t < steps; t++)
            {
                int previous = (t & 1) * half, next = half - previous;
                if (RowsPerThread(rows, units) == 1)
                    for (int k = Group.IdxX; k < rows.Count * units; k += Group.DimX)
                    {
                        int r = k / units, j = k - r * units;
                        float a = CellMath.Dot(InputSum(x, order, states, w, net, layer, rows, r, t, j), h.SubView(previous + r * units, units), units, wh, whBase + j, whStride);
                        KeepState(h, states, rows, layer, next, t, r, j, Activations.Apply(a, net.Hidden));
                    }
                // A thread runs unit j of four windows (a quad; the last quad repeats its last window where the tile
                // is short), so each Wh value it loads feeds four multiply-adds.
                else for (int k = Group.IdxX; k < rows.Quads * units; k += Group.DimX)
                {
                    int q = k / units, j = k - q * units;
                    int r0 = 4 * q, r1 = rows.Clamp(r0 + 1), r2 = rows.Clamp(r0 + 2), r3 = rows.Clamp(r0 + 3);
                    var a = new Four(InputSum(x, order, states, w, net, layer, rows, r0, t, j), InputSum(x, order, states, w, net, layer, rows, r1, t, j),
                        InputSum(x, order, states, w, net, layer, rows, r2, t, j), InputSum(x, order, states, w, net, layer, rows, r3, t, j));
                    a = CellMath.Dot(a, h, previous + r0 * units, previous + r1 * units, previous + r2 * units, previous + r3 * units, units, wh, whBase + j, whStride);
                    KeepState(h, states, rows, layer, next, t, r0, j, Activations.Apply(a.W0, net.Hidden));
                    if (r0 + 1 < rows.Count) KeepState(h, states, rows, layer, next, t, r0 + 1, j, Activations.Apply(a.W1, net.Hidden));
                    if (r0 + 2 < rows.Count) KeepState(h, states, rows, layer, next, t, r0 + 2, j, Activations.Apply(a.W2, net.Hidden));
                    if (r0 + 3 < rows.Count) KeepState(h, states, rows, layer, next, t, r0 + 3, j, Activations.Apply(a.W3, net.Hidden));
                }
                Group.Barrier();
            }
        }

        for (int k = Group.IdxX; k < rows.Count * outs; k += Group.DimX)
        {
            int r = k / outs, c = k - r * outs;
            float value = CellMath.DenseOutput(w, states.SubView(rows.LastState(r), net.TopUnits), net, c);
            o[k] = value;
            outputs[rows.Slot(r) * outs + c] = value;
        }
        Group.Barrier();
        if (tile.Train == 0) return;

        // The tile's loss: one window's mean squared error per thread, summed by ILGPU.Algorithms' group scan, whose
        // order is fixed on every accelerator (its group Reduce adds atomically on the CPU accelerator).
        float squared = 0f;
        for (int r = Group.IdxX; r < rows.Count; r += Group.DimX)
            squared += CellMath.SquaredError(o.SubView(r * outs, outs), y.SubView(rows.Window(order, r) * outs, outs), outs);
        GroupExtensions.InclusiveScanWithBoundaries<float, AddFloat>(squared, out var loss);
        if (Group.IsFirstThread) lossPartials[Grid.IdxX] = loss.RightBoundary;

        for (int k = Group.IdxX; k < rows.Count * outs; k += Group.DimX)
            dz[k] = CellMath.OutputDelta(o[k], y[rows.Window(order, k / outs) * outs + k % outs], tile.Count, net);
        Group.Barrier();
        // The gradient arriving at the top layer's last state, dz·Wyᵀ; its earlier steps receive nothing from the head.
        for (int k = Group.IdxX; k < rows.Count * net.TopUnits; k += Group.DimX)
        {
            int r = k / net.TopUnits, j = k - r * net.TopUnits;
            stateGradients[rows.StateGradient(r, net.TopStateGradientOffset) + (steps - 1) * net.TopUnits + j] =
                CellMath.BackThrough(w, net.DenseKernelOffset + j * outs, 1, dz.SubView(r * outs, outs), outs);
        }

        for (int l = net.Layers - 1; l >= 0; l--)
        {
            var layer = layers[l];
            int units = layer.Units, inputs = layer.Inputs;
            LoadRecurrent(wh, copy, w, layer);
            // Row i of Wh: at i·(U + 1), step 1 in the padded shared copy; at i, step U in the transposed one.
            int rowBase = copy ? 0 : modelBase + layer.RecurrentOffset, rowStep = copy ? units + 1 : 1, columnStep = copy ? 1 : units;
            var delta = h.SubView(0, half);
            var dh = h.SubView(half, half);
            for (int k = Group.IdxX; k < rows.Count * units; k += Group.DimX) dh[k] = 0f;
            Group.Barrier();
            for (int t = steps - 1; t >= 0; t--)
            {
                for (int k = Group.IdxX; k < rows.Count * units; k += Group.DimX)
                {
                    int r = k / units, j = k - r * units;
                    int at = rows.StateGradient(r, layer.StateGradientOffset) + t * units + j;
                    float arriving = l == net.Layers - 1 && t != steps - 1 ? 0f : stateGradients[at];
                    float d = CellMath.Delta(arriving, dh[k], states[rows.State(r, layer) + (t + 1) * units + j], net.Hidden);
                    delta[k] = d;
                    stateGradients[at] = d; // δ_t replaces what arrived: the gradient pass below reads it
                }
                Group.Barrier();
                if (RowsPerThread(rows, units) == 1)
                    for (int k = Group.IdxX; k < rows.Count * units; k += Group.DimX)
                    {
                        int r = k / units, i = k - r * units;
                        dh[k] = CellMath.Dot(0f, delta.SubView(r * units, units), units, whColumns, rowBase + i * rowStep, columnStep);
                    }
                else for (int k = Group.IdxX; k < rows.Quads * units; k += Group.DimX)
                {
                    int q = k / units, i = k - q * units;
                    int r0 = 4 * q, r1 = rows.Clamp(r0 + 1), r2 = rows.Clamp(r0 + 2), r3 = rows.Clamp(r0 + 3);
                    var d = CellMath.Dot(default, delta, r0 * units, r1 * units, r2 * units, r3 * units, units, whColumns, rowBase + i * rowStep, columnStep);
                    dh[r0 * units + i] = d.W0;
                    if (r0 + 1 < rows.Count) dh[(r0 + 1) * units + i] = d.W1;
                    if (r0 + 2 < rows.Count) dh[(r0 + 2) * units + i] = d.W2;
                    if (r0 + 3 < rows.Count) dh[(r0 + 3) * units + i] = d.W3;
                }
                if (layer.Index > 0)
                    for (int k = Group.IdxX; k < rows.Count * inputs; k += Group.DimX)
                    {
                        int r = k / inputs, i = k - r * inputs;
                        stateGradients[rows.StateGradient(r, layer.BelowStateGradientOffset) + t * inputs + i] =
                            CellMath.BackThrough(w, layer.KernelOffset + i * units, 1, delta.SubView(r * units, units), units);
                    }
                Group.Barrier();
            }
        }

        TileGradients(rows, x, order, layers, states, stateGradients, dz, partials.SubView(Grid.IdxX * p, p), net);
    }

    /// <summary>b_j + Σ_i x_t[i]·Wx[i, j] for tile row <paramref name="r"/>: the input half of its cell step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float InputSum(ArrayView<float> x, ArrayView<int> order, ArrayView<float> states, ArrayView<float> w, NetworkShape net, LayerShape layer,
        TileRows rows, int r, int t, int j) =>
        CellMath.InputSum(w, layer, LayerInput.At(x, states, net, layer, rows.Window(order, r), rows.Slot(r), t), j);

    /// <summary>h_t[j] of tile row <paramref name="r"/>: into the shared half <paramref name="next"/> for the next step, and into the states for BPTT.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void KeepState(ArrayView<float> h, ArrayView<float> states, TileRows rows, LayerShape layer, int next, int t, int r, int j, float value)
    {
        h[next + r * layer.Units + j] = value;
        states[rows.State(r, layer) + (t + 1) * layer.Units + j] = value;
    }

    /// <summary>Copies the layer's Wh into shared memory with rows padded to U + 1 (when <paramref name="copy"/>), between barriers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void LoadRecurrent(ArrayView<float> wh, bool copy, ArrayView<float> w, LayerShape layer)
    {
        if (!copy) return;
        int units = layer.Units;
        Group.Barrier(); // the previous layer's readers are done
        for (int k = Group.IdxX; k < units * units; k += Group.DimX)
        {
            int i = k / units;
            wh[k + i] = w[layer.RecurrentOffset + k];
        }
        Group.Barrier();
    }

    /// <summary>
    /// The tile's share of every gradient, into <paramref name="partial"/>: for each parameter the sum over the tile's
    /// windows (in batch order) and steps (last first) of the product it takes — x_t·δ_t (kernel), h_{t−1}·δ_t
    /// (recurrent kernel), δ_t (bias), h_T·dz (Dense kernel), dz (Dense bias) — with δ_t as BPTT left it in the state
    /// gradients. A layer's kernel, recurrent kernel and bias are one block of rows U wide (Keras's order), and a
    /// thread sums four columns of a row, so each factor it loads feeds four multiply-adds: columns c, c + Q, c + 2Q,
    /// c + 3Q (Q = ⌈U / 4⌉), so that a warp's threads (consecutive c) load consecutive δs. Four neighbouring columns
    /// a thread had every warp load touch four times the cache sectors it used (ncu on an H200, w3).
    /// </summary>
    /// <remarks>
    /// The products of CellMath.CellGradient and DenseGradient, summed per parameter in registers: those helpers
    /// scatter one step into every parameter of a unit, which here would need per-window rows or atomics.
    /// </remarks>
    static void TileGradients(TileRows rows, ArrayView<float> x, ArrayView<int> order, ArrayView<LayerShape> layers,
        ArrayView<float> states, ArrayView<float> stateGradients, ArrayView<float> dz, ArrayView<float> partial, NetworkShape net)
    {
        int steps = net.TimeSteps, outs = net.Outputs;
        int cellItems = 0;
        for (int l = 0; l < net.Layers; l++) cellItems += CellGradientItems(layers[l]);
        int items = cellItems + DenseGradientItems(net);
        for (int k = Group.IdxX; k < items; k += Group.DimX)
        {
            if (k >= cellItems)
            {
                int parameter = net.DenseKernelOffset + k - cellItems;
                float dense = 0f;
                if (parameter >= net.DenseBiasOffset)
                    for (int r = 0; r < rows.Count; r++) dense += dz[r * outs + parameter - net.DenseBiasOffset];
                else
                {
                    int j = (parameter - net.DenseKernelOffset) / outs, c = (parameter - net.DenseKernelOffset) % outs;
                    for (int r = 0; r < rows.Count; r++) dense += states[rows.LastState(r) + j] * dz[r * outs + c];
                }
                partial[parameter] = dense;
                continue;
            }
            int item = k, l = 0;
            while (item >= CellGradientItems(layers[l])) item -= CellGradientItems(layers[l++]);
            var layer = layers[l];
            int units = layer.Units, inputs = layer.Inputs, quads = (units + 3) / 4;
            int row = item / quads, j0 = item - row * quads;
            int j1 = Math.Min(j0 + quads, units - 1), j2 = Math.Min(j0 + 2 * quads, units - 1), j3 = Math.Min(j0 + 3 * quads, units - 1);
            var sum = default(Four);
            for (int r = 0; r < rows.Count; r++)
            {
                int delta = rows.StateGradient(r, layer.StateGradientOffset);
                if (row == inputs + units)
                    for (int t = steps - 1; t >= 0; t--)
                    {
                        int at = delta + t * units;
                        sum.W0 += stateGradients[at + j0];
                        sum.W1 += stateGradients[at + j1];
                        sum.W2 += stateGradients[at + j2];
                        sum.W3 += stateGradients[at + j3];
                    }
                else
                {
                    // The factor at first + t·stride: x_t[i] (the data, or the layer below's h_{t+1}) or h_{t−1}[i].
                    bool recurrent = row >= inputs, bottom = layer.Index == 0;
                    int i = recurrent ? row - inputs : row;
                    var source = recurrent || !bottom ? states : x;
                    int first = recurrent ? rows.State(r, layer) + i
                        : bottom ? rows.Window(order, r) * steps * net.Features + i
                        : rows.Slot(r) * net.StateStride + layer.BelowStateOffset + inputs + i;
                    int stride = recurrent ? units : bottom ? net.Features : inputs;
                    for (int t = steps - 1; t >= 0; t--)
                    {
                        float factor = source[first + t * stride];
                        int at = delta + t * units;
                        sum.W0 += factor * stateGradients[at + j0];
                        sum.W1 += factor * stateGradients[at + j1];
                        sum.W2 += factor * stateGradients[at + j2];
                        sum.W3 += factor * stateGradients[at + j3];
                    }
                }
            }
            int column = layer.KernelOffset + row * units;
            partial[column + j0] = sum.W0;
            if (j0 + quads < units) partial[column + j0 + quads] = sum.W1;
            if (j0 + 2 * quads < units) partial[column + j0 + 2 * quads] = sum.W2;
            if (j0 + 3 * quads < units) partial[column + j0 + 3 * quads] = sum.W3;
        }
    }

    /// <summary>Rows (inputs, units, the bias) × quads of columns: the threads' items of a layer's gradient block.</summary>
    static int CellGradientItems(LayerShape layer) => (layer.Inputs + layer.Units + 1) * ((layer.Units + 3) / 4);

    /// <summary>The Dense head's parameters, an item each.</summary>
    static int DenseGradientItems(NetworkShape net) => net.DenseBiasOffset + net.Outputs - net.DenseKernelOffset;

    /// <summary>The gradient pass's items (a thread's unit of work there): how many threads a group can keep busy in it.</summary>
    public static int GradientItems(NetworkShape net, ReadOnlySpan<LayerShape> layers)
    {
        int items = DenseGradientItems(net);
        foreach (var layer in layers) items += CellGradientItems(layer);
        return items;
    }
}

/// <summary>The batch rows of the group's tile, and where each row's window, state and gradient rows are.</summary>
readonly struct TileRows
{
    readonly TileShape tile;
    readonly NetworkShape net;
    public readonly int Model;
    /// <summary>The tile's first row of its model's batch.</summary>
    public readonly int First;
    /// <summary>Rows of the tile (the last tile of a batch may be short).</summary>
    public readonly int Count;

    public TileRows(TileShape tile, NetworkShape net)
    {
        this.tile = tile;
        this.net = net;
        Model = Grid.IdxX / tile.TilesPerModel;
        First = (Grid.IdxX - Model * tile.TilesPerModel) * tile.TileWindows;
        Count = Math.Min(tile.TileWindows, tile.Count - First);
    }

    /// <summary>Groups of four rows (the blocked sums' unit of work).</summary>
    public int Quads => (Count + 3) / 4;

    /// <summary>Row <paramref name="r"/>, or the tile's last row past its end: a short quad repeats it, and only real rows are stored.</summary>
    public int Clamp(int r) => Math.Min(r, Count - 1);

    public int Slot(int r) => Model * tile.Count + First + r;

    public int Window(ArrayView<int> order, int r) => order[Model * tile.OrderStride + tile.Start + First + r];

    /// <summary>Where row <paramref name="r"/>'s h_0 of <paramref name="layer"/> is; h_t follows t·U later.</summary>
    public int State(int r, LayerShape layer) => Slot(r) * net.StateStride + layer.StateOffset;

    /// <summary>Where row <paramref name="r"/>'s top-layer h_T is.</summary>
    public int LastState(int r) => Slot(r) * net.StateStride + net.TopStateOffset + net.TimeSteps * net.TopUnits;

    /// <summary>Row <paramref name="r"/>'s state-gradient row at <paramref name="offset"/> (a layer's StateGradientOffset).</summary>
    public int StateGradient(int r, int offset) => Slot(r) * net.StateGradientStride + offset;
}

/// <summary>Where a layer's input at step t comes from: the data for the bottom layer, the layer below's h_{t+1} above it.</summary>
static class LayerInput
{
    public static ArrayView<float> At(ArrayView<float> x, ArrayView<float> states, NetworkShape net, LayerShape layer, int window, int slot, int t) =>
        layer.Index == 0
            ? x.SubView((window * net.TimeSteps + t) * net.Features, net.Features)
            : states.SubView(slot * net.StateStride + layer.BelowStateOffset + (t + 1) * layer.Inputs, layer.Inputs);
}
