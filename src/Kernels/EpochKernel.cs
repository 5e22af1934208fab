using ILGPU;

namespace GpuRnn.Kernels;

/// <summary>
/// A whole training epoch of a one-layer network in ONE launch, ONE group per model (group g trains model g of the
/// [model × parameter] buffers along its own row of the [model × window] orders): for each batch of its order,
/// forward, BPTT and the loss of each window in turn, then Adam. Models never share a group, so a model's result
/// does not depend on which others share the launch. Weights, Adam's moments, the gradient, the hidden
/// states and the deltas live in dynamic shared memory for the whole epoch; threads own hidden units (thread j
/// owns units j, j + threads, …) and so also own those units' columns of the kernel, recurrent kernel and bias
/// gradients, which therefore need no atomics. This removes the ~7 launches per step that dominate batch 1.
/// </summary>
/// <remarks>
/// Each parameter's gradient is summed in the same order as ScalarEngine.Backward (window by window, last step
/// first) and forward uses the same sums in the same order as ScalarEngine.ForwardWindow, so on the CPU
/// accelerator the result equals the scalar engine's bit for bit. Shared layout, in floats, see
/// <see cref="SharedFloats"/>.
/// </remarks>
public static class EpochKernel
{
    /// <summary>Dynamic shared memory the kernel needs: w, m, v, g [P each]; h [(T+1)·U]; da [2U]; dh, dTop [U each]; o, dz [O each].</summary>
    public static int SharedFloats(NetworkShape net, LayerShape layer) =>
        4 * net.ParameterCount + (net.TimeSteps + 1) * layer.Units + 4 * layer.Units + 2 * net.Outputs;

    /// <param name="alphas">Adam's α for each batch of the epoch and model, [batch × model], from the trainer's AdamSchedule.</param>
    /// <param name="gradients">Receives each model's last batch's gradient (what GetGradients reports).</param>
    /// <param name="lossSum">lossSum[model] += each window's mean squared error, window by window.</param>
    [GroupedKernel]
    public static void Train(ArrayView<float> x, ArrayView<float> y, ArrayView<int> order, ArrayView<float> weights,
        ArrayView<float> m, ArrayView<float> v, ArrayView<float> gradients, ArrayView<float> alphas, ArrayView<float> lossSum,
        NetworkShape net, LayerShape layer, EpochSchedule schedule)
    {
        int tid = Group.IdxX, threads = Group.DimX, model = Grid.IdxX, models = Grid.DimX;
        int windowCount = schedule.WindowCount, batchSize = schedule.BatchSize;
        float beta1 = schedule.Beta1, beta2 = schedule.Beta2, epsilon = schedule.Epsilon;
        int p = net.ParameterCount, units = layer.Units, steps = net.TimeSteps, outs = net.Outputs, features = net.Features;
        weights = weights.SubView(model * p, p);
        m = m.SubView(model * p, p);
        v = v.SubView(model * p, p);
        gradients = gradients.SubView(model * p, p);
        order = order.SubView(model * windowCount, windowCount);
        var shared = SharedMemory.GetDynamic<float>();
        var w = shared.SubView(0, p);
        var mo = shared.SubView(p, p);
        var vo = shared.SubView(2 * p, p);
        var g = shared.SubView(3 * p, p);
        var h = shared.SubView(4 * p, (steps + 1) * units);
        int rest = 4 * p + (steps + 1) * units;
        var da = shared.SubView(rest, 2 * units);
        var dh = shared.SubView(rest + 2 * units, units);
        var dTop = shared.SubView(rest + 3 * units, units);
        var o = shared.SubView(rest + 4 * units, outs);
        var dz = shared.SubView(rest + 4 * units + outs, outs);

        for (int i = tid; i < p; i += threads) { w[i] = weights[i]; mo[i] = m[i]; vo[i] = v[i]; g[i] = 0f; }
        float loss = lossSum[model];
        Group.Barrier();

        int batch = 0;
        for (int start = 0; start < windowCount; start += batchSize, batch++)
        {
            int count = IntrinsicMath.Min(batchSize, windowCount - start);
            for (int row = 0; row < count; row++)
            {
                int window = order[start + row];
                int xBase = window * steps * features;

                // Forward: one barrier per step (every thread reads all of h_{t−1}).
                for (int j = tid; j < units; j += threads) h[j] = 0f;
                Group.Barrier();
                for (int t = 0; t < steps; t++)
                {
                    var input = x.SubView(xBase + t * features, features);
                    for (int j = tid; j < units; j += threads)
                        h[(t + 1) * units + j] = CellMath.CellStep(w, layer, input, h.SubView(t * units, units), j, net.Hidden);
                    Group.Barrier();
                }

                // Dense head and its deltas.
                int last = steps * units;
                var target = y.SubView(window * outs, outs);
                for (int k = tid; k < outs; k += threads)
                {
                    float ok = CellMath.DenseOutput(w, h.SubView(last, units), net, k);
                    o[k] = ok;
                    float d = CellMath.OutputDelta(ok, target[k], count, net);
                    dz[k] = d;
                    g[net.DenseBiasOffset + k] += d;
                }
                Group.Barrier();
                if (tid == 0) loss += CellMath.SquaredError(o, target, outs);
                for (int j = tid; j < units; j += threads)
                {
                    dTop[j] = CellMath.DenseGradient(w, g, net, h[last + j], j, dz);
                    dh[j] = 0f;
                }

                // BPTT. da is double-buffered by step parity, so one barrier per step suffices: a thread may write
                // da_{t−1} while another still reads da_t, never the same half.
                for (int t = steps - 1; t >= 0; t--)
                {
                    var delta = da.SubView((t & 1) * units, units);
                    for (int j = tid; j < units; j += threads)
                        delta[j] = CellMath.Delta(t == steps - 1 ? dTop[j] : 0f, dh[j], h[(t + 1) * units + j], net.Hidden);
                    Group.Barrier();
                    var input = x.SubView(xBase + t * features, features);
                    for (int j = tid; j < units; j += threads)
                        CellMath.CellGradient(g, layer, input, h.SubView(t * units, units), j, delta[j]);
                    // dh_{t−1}[i] = Σ_j Wh[i, j]·da_t[j]: thread i owns dh[i], and only thread i reads it next step.
                    for (int i = tid; i < units; i += threads)
                        dh[i] = CellMath.BackThrough(w, layer.RecurrentOffset + i * units, 1, delta, units);
                }
                // The next window overwrites h and the parameters' owners change in Adam: everyone must be done.
                Group.Barrier();
            }

            float alpha = alphas[batch * models + model];
            bool lastBatch = start + batchSize >= windowCount;
            for (int i = tid; i < p; i += threads)
            {
                float gi = g[i];
                CellMath.Adam(w, mo, vo, i, gi, alpha, beta1, beta2, epsilon);
                if (lastBatch) gradients[i] = gi;
                g[i] = 0f;
            }
            Group.Barrier();
        }

        for (int i = tid; i < p; i += threads) { weights[i] = w[i]; m[i] = mo[i]; v[i] = vo[i]; }
        if (tid == 0) lossSum[model] = loss;
    }
}

/// <summary>How <see cref="EpochKernel.Train"/> walks the epoch: windows, batch size, and Adam's constants (its α per batch comes as an array).</summary>
public readonly struct EpochSchedule(int windowCount, int batchSize, float beta1, float beta2, float epsilon)
{
    public readonly int WindowCount = windowCount;
    public readonly int BatchSize = batchSize;
    public readonly float Beta1 = beta1;
    public readonly float Beta2 = beta2;
    public readonly float Epsilon = epsilon;
}
