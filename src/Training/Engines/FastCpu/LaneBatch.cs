using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GpuRnn.Kernels;

namespace GpuRnn.Training.Engines.FastCpu;

/// <summary>
/// A batch laid out lane-major: windows are taken <see cref="Width"/> at a time (a block) and every value of a
/// block is one <see cref="Vector{T}"/> holding that value for each of the block's windows. The recurrence then
/// runs as vector multiply–adds with broadcast weights, which stays efficient at any hidden size, including the
/// tutorial's 3 units where vectorising along the units would leave most of a vector empty.
/// Per block this keeps the inputs, every layer's hidden states (row 0 is h_0 = 0), outputs and targets, which
/// is what BPTT needs after the forward pass.
/// </summary>
sealed class LaneBatch
{
    public static int Width => Vector<float>.Count;

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
        x = new float[blocks * steps * g.Features * Width];
        y = new float[blocks * g.Outputs * Width];
        o = new float[blocks * g.Outputs * Width];
        h = new float[g.Layers][];
        for (int l = 0; l < g.Layers; l++) h[l] = new float[blocks * (steps + 1) * g.Units[l] * Width];
        valid = new int[blocks];
    }

    /// <summary>How many blocks this batch can hold.</summary>
    public int Blocks { get; }

    static Span<Vector<float>> Lanes(float[] a, int vectorOffset, int vectorCount) =>
        MemoryMarshal.Cast<float, Vector<float>>(a.AsSpan(vectorOffset * Width, vectorCount * Width));

    Span<Vector<float>> Inputs(int block) => Lanes(x, block * steps * g.Features, steps * g.Features);
    Span<Vector<float>> States(int block, int layer) => Lanes(h[layer], block * (steps + 1) * g.Units[layer], (steps + 1) * g.Units[layer]);
    Span<Vector<float>> Outputs(int block) => Lanes(o, block * g.Outputs, g.Outputs);
    Span<Vector<float>> Targets(int block) => Lanes(y, block * g.Outputs, g.Outputs);

    /// <summary>
    /// Copies windows <c>order[first .. first + count)</c> (count ≤ <see cref="Width"/>) into block
    /// <paramref name="block"/>, transposing them to lane-major; unused lanes get zeros so they stay finite.
    /// </summary>
    public void Load(int block, ReadOnlySpan<float> sourceX, ReadOnlySpan<float> sourceY, ReadOnlySpan<int> order, int first, int count)
    {
        int width = Width, windowLength = steps * g.Features, outs = g.Outputs;
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
    public void StoreOutputs(int block, Span<float> destination)
    {
        var bo = o.AsSpan(block * g.Outputs * Width, g.Outputs * Width);
        for (int lane = 0; lane < valid[block]; lane++)
            for (int k = 0; k < g.Outputs; k++) destination[lane * g.Outputs + k] = bo[k * Width + lane];
    }

    /// <summary>h_t = f(x_t·Wx + h_{t−1}·Wh + b) layer by layer, then o = g(h_T·Wy + by); returns Σ over used lanes of mean (o − y)².</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Forward(int block, ReadOnlySpan<float> w)
    {
        for (int l = 0; l < g.Layers; l++)
        {
            int units = g.Units[l], inputs = g.Inputs[l];
            var states = States(block, l);
            Span<Vector<float>> input = l == 0 ? Inputs(block) : States(block, l - 1)[g.Units[l - 1]..];
            for (int t = 0; t < steps; t++)
            {
                var next = states.Slice((t + 1) * units, units);
                LaneProducts.Affine(w, g.Kernel[l].Offset, g.RecurrentKernel[l].Offset, g.Bias[l].Offset, units,
                    input.Slice(t * inputs, inputs), states.Slice(t * units, units), next);
                LaneActivations.Activate(next, g.HiddenActivation);
            }
        }
        int top = g.TopUnits, outs = g.Outputs;
        var last = States(block, g.Layers - 1).Slice(steps * top, top);
        var outputs = Outputs(block);
        for (int k = 0; k < outs; k++)
        {
            var z = new Vector<float>(w[g.DenseBias.Offset + k]);
            for (int j = 0; j < top; j++) z = Vector.FusedMultiplyAdd(last[j], new Vector<float>(w[g.DenseKernel.Offset + j * outs + k]), z);
            outputs[k] = z;
        }
        LaneActivations.Activate(outputs, g.OutputActivation);

        var targets = Targets(block);
        var squared = Vector<float>.Zero;
        for (int k = 0; k < outs; k++)
        {
            var e = outputs[k] - targets[k];
            squared += e * e;
        }
        double loss = 0;
        for (int lane = 0; lane < valid[block]; lane++) loss += squared[lane] / outs;
        return loss;
    }

    /// <summary>
    /// BPTT for one block, adding its windows' share of the batch loss's gradient to <paramref name="grad"/>
    /// (in a fixed order, so the sum never depends on threads). <paramref name="scale"/> is 2/(batch·outputs).
    /// Per layer, from the top: da_t = (dOut_t + dh_t)·f′(h_t), dh_{t−1} = da_t·Whᵀ, dOut_t of the layer below =
    /// da_t·Wxᵀ; the weight gradients are then sums over time and lanes of outer products with da.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(int block, ReadOnlySpan<float> w, Span<float> grad, float scale, LaneScratch scratch)
    {
        int outs = g.Outputs, top = g.TopUnits;
        var outputs = Outputs(block);
        var targets = Targets(block);
        var used = new Vector<int>(valid[block]);
        var laneIndex = LaneIndex;
        var mask = Vector.LessThan(laneIndex, used).As<int, float>();
        var dz = scratch.OutputDelta;
        for (int k = 0; k < outs; k++)
        {
            var d = new Vector<float>(scale) * (outputs[k] - targets[k]) * LaneActivations.Derivative(outputs[k], g.OutputActivation);
            dz[k] = Vector.BitwiseAnd(d, mask);
            grad[g.DenseBias.Offset + k] += Vector.Sum(dz[k]);
        }
        var dOut = scratch.OutputGradient(steps * top);
        dOut.Clear();
        var last = States(block, g.Layers - 1).Slice(steps * top, top);
        var dLast = dOut.Slice((steps - 1) * top, top);
        for (int j = 0; j < top; j++)
        {
            var sum = Vector<float>.Zero;
            for (int k = 0; k < outs; k++)
            {
                int at = g.DenseKernel.Offset + j * outs + k;
                grad[at] += Vector.Sum(last[j] * dz[k]);
                sum = Vector.FusedMultiplyAdd(dz[k], new Vector<float>(w[at]), sum);
            }
            dLast[j] = sum;
        }

        for (int l = g.Layers - 1; l >= 0; l--)
        {
            int units = g.Units[l], inputs = g.Inputs[l];
            int kernel = g.Kernel[l].Offset, recurrent = g.RecurrentKernel[l].Offset;
            var states = States(block, l);
            Span<Vector<float>> input = l == 0 ? Inputs(block) : States(block, l - 1)[g.Units[l - 1]..];
            var da = scratch.Delta(steps * units);
            var dh = scratch.HiddenGradient(units);
            var dBelow = l > 0 ? scratch.BelowGradient(steps * inputs) : default;
            dh.Clear();
            for (int t = steps - 1; t >= 0; t--)
            {
                var daT = da.Slice(t * units, units);
                var hT = states.Slice((t + 1) * units, units);
                var dOutT = dOut.Slice(t * units, units);
                for (int j = 0; j < units; j++) daT[j] = (dOutT[j] + dh[j]) * LaneActivations.Derivative(hT[j], g.HiddenActivation);
                if (t > 0) LaneProducts.TransposedProduct(w, recurrent, units, daT, dh);
                if (l > 0) LaneProducts.TransposedProduct(w, kernel, units, daT, dBelow.Slice(t * inputs, inputs));
            }
            int bias = g.Bias[l].Offset;
            for (int j = 0; j < units; j++)
            {
                var sum = Vector<float>.Zero;
                for (int t = 0; t < steps; t++) sum += da[t * units + j];
                grad[bias + j] += Vector.Sum(sum);
            }
            LaneProducts.OuterProductSum(input, inputs, 0, da, units, steps, grad.Slice(kernel, inputs * units));
            // h_{t−1} for t = 0 is zero, so the recurrent sum starts at t = 1 (state row t is h_{t−1} of step t).
            LaneProducts.OuterProductSum(states, units, 1, da, units, steps, grad.Slice(recurrent, units * units));
            if (l > 0) dOut = scratch.SwapGradients();
        }
    }

    static readonly Vector<int> LaneIndex = CreateLaneIndex();

    static Vector<int> CreateLaneIndex()
    {
        Span<int> values = stackalloc int[Vector<int>.Count];
        for (int i = 0; i < values.Length; i++) values[i] = i;
        return new Vector<int>(values);
    }
}
