using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GpuRnn.Kernels;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>
/// A batch laid out lane-major: windows are taken <see cref="LaneBatch.Width"/> at a time (a block) and every value of a
/// block is one vector (<see cref="IVectorLanes{V}"/>) holding that value for each of the block's windows. The recurrence then
/// runs as vector multiply–adds with broadcast weights, which stays efficient at any hidden size, including the
/// tutorial's 3 units where vectorising along the units would leave most of a vector empty.
/// Per block this keeps the inputs, every layer's hidden states (row 0 is h_0 = 0), outputs and targets, which
/// is what BPTT needs after the forward pass. <see cref="LaneBatch{V, L}"/> is the code, once for every vector width.
/// </summary>
abstract class LaneBatch
{
    /// <summary>A batch of the given width: <see cref="VectorWidths.Widest"/> unless a test asks for a narrower one.</summary>
    public static LaneBatch Create(VectorWidth width, ParameterLayout layout, int timeSteps, int blocks) => width.With(new Maker(layout, timeSteps, blocks));

    readonly record struct Maker(ParameterLayout Layout, int TimeSteps, int Blocks) : IWidthGeneric<LaneBatch>
    {
        public LaneBatch Invoke<V, L>() where V : unmanaged where L : IVectorLanes<V> => new LaneBatch<V, L>(Layout, TimeSteps, Blocks);
    }

    /// <summary>Windows per block: the vector's lanes.</summary>
    public abstract int Width { get; }
    /// <summary>How many blocks this batch can hold.</summary>
    public abstract int Blocks { get; }
    public abstract void Load(int block, ReadOnlySpan<float> sourceX, ReadOnlySpan<float> sourceY, ReadOnlySpan<int> order, int first, int count);
    public abstract void StoreOutputs(int block, Span<float> destination);
    public abstract double Forward(int block, ReadOnlySpan<float> w);
    public abstract void Backward(int block, ReadOnlySpan<float> w, Span<float> grad, float scale, LaneScratch scratch);
    /// <summary>total += part, lane-wise where whole vectors fit.</summary>
    public abstract void Add(Span<float> total, ReadOnlySpan<float> part);
    /// <summary>Adam exactly as <see cref="AdamStep"/> states it, lane-wise (no fused multiply–add, like the reference).</summary>
    public abstract void Adam(Span<float> w, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, AdamStep step);
}

sealed class LaneBatch<V, L> : LaneBatch where V : unmanaged where L : IVectorLanes<V>
{
    readonly ParameterLayout g;
    readonly int steps;
    readonly float[] x, y, o;
    readonly float[][] h;
    readonly int[] valid;

    /// <param name="timeSteps">Steps of the windows this batch holds (the weights fit any).</param>
    public LaneBatch(ParameterLayout layout, int timeSteps, int blocks)
    {
        g = layout;
        steps = timeSteps;
        Blocks = blocks;
        x = new float[blocks * steps * g.Features * L.Count];
        y = new float[blocks * g.Outputs * L.Count];
        o = new float[blocks * g.Outputs * L.Count];
        h = new float[g.Layers][];
        for (int l = 0; l < g.Layers; l++) h[l] = new float[blocks * (steps + 1) * g.Units[l] * L.Count];
        valid = new int[blocks];
    }

    public override int Width => L.Count;
    public override int Blocks { get; }

    static Span<V> View(float[] a, int vectorOffset, int vectorCount) =>
        MemoryMarshal.Cast<float, V>(a.AsSpan(vectorOffset * L.Count, vectorCount * L.Count));

    Span<V> Inputs(int block) => View(x, block * steps * g.Features, steps * g.Features);
    Span<V> States(int block, int layer) => View(h[layer], block * (steps + 1) * g.Units[layer], (steps + 1) * g.Units[layer]);
    Span<V> Outputs(int block) => View(o, block * g.Outputs, g.Outputs);
    Span<V> Targets(int block) => View(y, block * g.Outputs, g.Outputs);

    /// <summary>
    /// Copies windows <c>order[first .. first + count)</c> (count ≤ <see cref="LaneBatch.Width"/>) into block
    /// <paramref name="block"/>, transposing them to lane-major; unused lanes get zeros so they stay finite.
    /// </summary>
    public override void Load(int block, ReadOnlySpan<float> sourceX, ReadOnlySpan<float> sourceY, ReadOnlySpan<int> order, int first, int count)
    {
        int width = L.Count, windowLength = steps * g.Features, outs = g.Outputs;
        var bx = x.AsSpan(block * windowLength * width, windowLength * width);
        var by = y.AsSpan(block * outs * width, outs * width);
        if (count < width) { bx.Clear(); by.Clear(); }
        for (int lane = 0; lane < count; lane++)
        {
            int window = order[first + lane];
            var src = sourceX.Slice(window * windowLength, windowLength);
            for (int i = 0; i < windowLength; i++) bx[i * width + lane] = src[i];
            if (!sourceY.IsEmpty)
                for (int k = 0; k < outs; k++) by[k * width + lane] = sourceY[window * outs + k];
        }
        valid[block] = count;
    }

    /// <summary>Copies the outputs of block <paramref name="block"/>'s used lanes to <c>[window × outputs]</c> rows.</summary>
    public override void StoreOutputs(int block, Span<float> destination)
    {
        var bo = o.AsSpan(block * g.Outputs * L.Count, g.Outputs * L.Count);
        for (int lane = 0; lane < valid[block]; lane++)
            for (int k = 0; k < g.Outputs; k++) destination[lane * g.Outputs + k] = bo[k * L.Count + lane];
    }

    /// <summary>h_t = f(x_t·Wx + h_{t−1}·Wh + b) layer by layer, then o = g(h_T·Wy + by); returns Σ over used lanes of mean (o − y)².</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override double Forward(int block, ReadOnlySpan<float> w)
    {
        for (int l = 0; l < g.Layers; l++)
        {
            int units = g.Units[l], inputs = g.Inputs[l];
            var states = States(block, l);
            Span<V> input = l == 0 ? Inputs(block) : States(block, l - 1)[g.Units[l - 1]..];
            for (int t = 0; t < steps; t++)
            {
                var next = states.Slice((t + 1) * units, units);
                LaneProducts<V, L>.Affine(w, g.Kernel[l].Offset, g.RecurrentKernel[l].Offset, g.Bias[l].Offset, units,
                    input.Slice(t * inputs, inputs), states.Slice(t * units, units), next);
                LaneActivations<V, L>.Activate(next, g.HiddenActivation);
            }
        }
        int top = g.TopUnits, outs = g.Outputs;
        var last = States(block, g.Layers - 1).Slice(steps * top, top);
        var outputs = Outputs(block);
        for (int k = 0; k < outs; k++)
        {
            var z = L.Broadcast(w[g.DenseBias.Offset + k]);
            for (int j = 0; j < top; j++) z = L.FusedMultiplyAdd(last[j], L.Broadcast(w[g.DenseKernel.Offset + j * outs + k]), z);
            outputs[k] = z;
        }
        LaneActivations<V, L>.Activate(outputs, g.OutputActivation);

        var targets = Targets(block);
        var squared = L.Zero;
        for (int k = 0; k < outs; k++)
        {
            var e = L.Subtract(outputs[k], targets[k]);
            squared = L.Add(squared, L.Multiply(e, e));
        }
        double loss = 0;
        for (int lane = 0; lane < valid[block]; lane++) loss += L.Lane(squared, lane) / outs;
        return loss;
    }

    /// <summary>
    /// BPTT for one block, adding its windows' share of the batch loss's gradient to <paramref name="grad"/>
    /// (in a fixed order, so the sum never depends on threads). <paramref name="scale"/> is 2/(batch·outputs).
    /// Per layer, from the top: da_t = (dOut_t + dh_t)·f′(h_t), dh_{t−1} = da_t·Whᵀ, dOut_t of the layer below =
    /// da_t·Wxᵀ; the weight gradients are then sums over time and lanes of outer products with da.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward(int block, ReadOnlySpan<float> w, Span<float> grad, float scale, LaneScratch scratch)
    {
        int outs = g.Outputs, top = g.TopUnits;
        var outputs = Outputs(block);
        var targets = Targets(block);
        var mask = L.FirstLanes(valid[block]);
        var dz = scratch.OutputDelta<V>();
        for (int k = 0; k < outs; k++)
        {
            dz[k] = L.And(mask, L.Multiply(L.Multiply(L.Broadcast(scale), L.Subtract(outputs[k], targets[k])), LaneActivations<V, L>.Derivative(outputs[k], g.OutputActivation)));
            grad[g.DenseBias.Offset + k] += L.Sum(dz[k]);
        }
        var dOut = scratch.OutputGradient<V>(steps * top);
        dOut.Clear();
        var last = States(block, g.Layers - 1).Slice(steps * top, top);
        var dLast = dOut.Slice((steps - 1) * top, top);
        for (int j = 0; j < top; j++)
        {
            var sum = L.Zero;
            for (int k = 0; k < outs; k++)
            {
                int at = g.DenseKernel.Offset + j * outs + k;
                grad[at] += L.Sum(L.Multiply(last[j], dz[k]));
                sum = L.FusedMultiplyAdd(dz[k], L.Broadcast(w[at]), sum);
            }
            dLast[j] = sum;
        }

        for (int l = g.Layers - 1; l >= 0; l--)
        {
            int units = g.Units[l], inputs = g.Inputs[l];
            int kernel = g.Kernel[l].Offset, recurrent = g.RecurrentKernel[l].Offset;
            var states = States(block, l);
            Span<V> input = l == 0 ? Inputs(block) : States(block, l - 1)[g.Units[l - 1]..];
            var da = scratch.Delta<V>(steps * units);
            var dh = scratch.HiddenGradient<V>(units);
            var dBelow = l > 0 ? scratch.BelowGradient<V>(steps * inputs) : default;
            dh.Clear();
            for (int t = steps - 1; t >= 0; t--)
            {
                var daT = da.Slice(t * units, units);
                var hT = states.Slice((t + 1) * units, units);
                var dOutT = dOut.Slice(t * units, units);
                for (int j = 0; j < units; j++) daT[j] = L.Multiply(L.Add(dOutT[j], dh[j]), LaneActivations<V, L>.Derivative(hT[j], g.HiddenActivation));
                if (t > 0) LaneProducts<V, L>.TransposedProduct(w, recurrent, units, daT, dh);
                if (l > 0) LaneProducts<V, L>.TransposedProduct(w, kernel, units, daT, dBelow.Slice(t * inputs, inputs));
            }
            int bias = g.Bias[l].Offset;
            for (int j = 0; j < units; j++)
            {
                var sum = L.Zero;
                for (int t = 0; t < steps; t++) sum = L.Add(sum, da[t * units + j]);
                grad[bias + j] += L.Sum(sum);
            }
            LaneProducts<V, L>.OuterProductSum(input, inputs, 0, da, units, steps, grad.Slice(kernel, inputs * units));
            // h_{t−1} for t = 0 is zero, so the recurrent sum starts at t = 1 (state row t is h_{t−1} of step t).
            LaneProducts<V, L>.OuterProductSum(states, units, 1, da, units, steps, grad.Slice(recurrent, units * units));
            if (l > 0) dOut = scratch.SwapGradients<V>();
        }
    }

    public override void Add(Span<float> total, ReadOnlySpan<float> part)
    {
        var sum = MemoryMarshal.Cast<float, V>(total);
        var lanes = MemoryMarshal.Cast<float, V>(part);
        for (int i = 0; i < sum.Length; i++) sum[i] = L.Add(sum[i], lanes[i]);
        for (int i = sum.Length * L.Count; i < total.Length; i++) total[i] += part[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Adam(Span<float> w, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, AdamStep step)
    {
        var oneMinusBeta1 = L.Broadcast(1f - step.Beta1);
        var oneMinusBeta2 = L.Broadcast(1f - step.Beta2);
        var alpha = L.Broadcast(step.Alpha);
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
