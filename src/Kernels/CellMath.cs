using ILGPU;

namespace GpuRnn.Kernels;

/// <summary>
/// The formulas the ILGPU kernels share, written once as device functions: each kernel lays its rows out its own
/// way (per slot, in shared memory, per model, Wh transposed) and passes views of them with their offsets and
/// strides. Same operations in the same order as ScalarEngine, so that the CPU accelerator agrees with it. Every sum
/// runs its index upwards from its start value in a float local (products are commutative in IEEE arithmetic, so
/// v·w and w·v give the same bits).
/// </summary>
public static class CellMath
{
    /// <summary>a + Σ_i v[i]·M[offset + i·stride], i = 0 … count−1: a column (stride = columns) or a row (stride 1) of a matrix times a vector.</summary>
    public static float Dot(float a, ArrayView<float> v, int count, ArrayView<float> m, int offset, int stride)
    {
        for (int i = 0; i < count; i++) a += v[i] * m[offset + i * stride];
        return a;
    }

    /// <summary>
    /// <see cref="Dot(float, ArrayView{float}, int, ArrayView{float}, int, int)"/> for four vectors at once — rows <paramref name="row0"/> … <paramref name="row3"/> of
    /// <paramref name="v"/> — against the same matrix column or row: each matrix element loaded feeds four
    /// multiply-adds from registers. Each lane's sum is the one-vector Dot's, in the same order.
    /// </summary>
    public static Four Dot(Four a, ArrayView<float> v, int row0, int row1, int row2, int row3, int count, ArrayView<float> m, int offset, int stride)
    {
        for (int i = 0; i < count; i++)
        {
            float w = m[offset + i * stride];
            a.W0 += v[row0 + i] * w;
            a.W1 += v[row1 + i] * w;
            a.W2 += v[row2 + i] * w;
            a.W3 += v[row3 + i] * w;
        }
        return a;
    }

    /// <summary>G[offset + i·stride] += v[i]·s, i = 0 … count−1: one step's share of an outer-product gradient (a column or a row of it).</summary>
    public static void AddOuter(ArrayView<float> gradient, int offset, int stride, ArrayView<float> v, int count, float s)
    {
        for (int i = 0; i < count; i++) gradient[offset + i * stride] += v[i] * s;
    }

    /// <summary>b_j + Σ_i x[i]·Wx[i, j]: the input half of unit <paramref name="j"/>'s cell step (the layer's offsets index <paramref name="weights"/>).</summary>
    public static float InputSum(ArrayView<float> weights, LayerShape layer, ArrayView<float> input, int j) =>
        Dot(weights[layer.BiasOffset + j], input, layer.Inputs, weights, layer.KernelOffset + j, layer.Units);

    /// <summary>
    /// h_t[j] = f(a + Σ_i h_{t−1}[i]·Wh[i, j]), Wh row-major at <paramref name="whOffset"/> with rows
    /// <paramref name="rowStride"/> apart (U where it lies in the weights, U + 1 in a tile's padded shared copy): the
    /// recurrent half of the cell step.
    /// </summary>
    public static float Recur(float a, ArrayView<float> previous, ArrayView<float> wh, int whOffset, int rowStride, int units, int j, Activation f) =>
        Activations.Apply(Dot(a, previous, units, wh, whOffset + j, rowStride), f);

    /// <summary>h_t[j] = f(b_j + Σ_i x_t[i]·Wx[i, j] + Σ_i h_{t−1}[i]·Wh[i, j]): the SimpleRNN cell step of unit <paramref name="j"/>.</summary>
    public static float CellStep(ArrayView<float> weights, LayerShape layer, ArrayView<float> input, ArrayView<float> previous, int j, Activation f) =>
        Recur(InputSum(weights, layer, input, j), previous, weights, layer.RecurrentOffset, layer.Units, layer.Units, j, f);

    /// <summary>da_t[j] = (dOut_t[j] + dh_t[j])·f′(h_t[j]): BPTT's δ through the activation, from the kept state h_t[j].</summary>
    public static float Delta(float arriving, float dh, float h, Activation f) => (arriving + dh) * Activations.Derivative(h, f);

    /// <summary>
    /// Σ_j M[offset + j·stride]·d[j] from 0: BPTT's step back through a kernel, one row of it times d (stride 1 for a
    /// row-major matrix, U for Wh's transposed copy): dh_{t−1} = da_t·Whᵀ, the layer below's da_t·Wxᵀ, the head's dz·Wyᵀ.
    /// </summary>
    public static float BackThrough(ArrayView<float> m, int offset, int stride, ArrayView<float> d, int count) => Dot(0f, d, count, m, offset, stride);

    /// <summary>∂b_j += d; ∂Wx[i, j] += x_t[i]·d; ∂Wh[i, j] += h_{t−1}[i]·d: unit <paramref name="j"/>'s share of one step's cell gradients.</summary>
    public static void CellGradient(ArrayView<float> gradient, LayerShape layer, ArrayView<float> input, ArrayView<float> previous, int j, float d)
    {
        gradient[layer.BiasOffset + j] += d;
        AddOuter(gradient, layer.KernelOffset + j, layer.Units, input, layer.Inputs, d);
        AddOuter(gradient, layer.RecurrentOffset + j, layer.Units, previous, layer.Units, d);
    }

    /// <summary>o_k = g(by_k + Σ_j h_T[j]·Wy[j, k]): output <paramref name="k"/> of the Dense head from the model's parameter row.</summary>
    public static float DenseOutput(ArrayView<float> weights, ArrayView<float> lastState, NetworkShape net, int k) =>
        Activations.Apply(Dot(weights[net.DenseBiasOffset + k], lastState, net.TopUnits, weights, net.DenseKernelOffset + k, net.Outputs), net.Output);

    /// <summary>dz_k = 2(o_k − y_k)/(B·O)·g′(o_k): the mean squared error's gradient through the Dense activation, B windows in the batch.</summary>
    public static float OutputDelta(float o, float target, int batch, NetworkShape net) =>
        2f / (batch * net.Outputs) * (o - target) * Activations.Derivative(o, net.Output);

    /// <summary>∂Wy[j, k] += h_T[j]·dz_k for every k; returns Σ_k Wy[j, k]·dz_k, the gradient arriving at h_T[j].</summary>
    public static float DenseGradient(ArrayView<float> weights, ArrayView<float> gradient, NetworkShape net, float last, int j, ArrayView<float> dz)
    {
        int row = net.DenseKernelOffset + j * net.Outputs;
        AddOuter(gradient, row, 1, dz, net.Outputs, last);
        return BackThrough(weights, row, 1, dz, net.Outputs);
    }

    /// <summary>Σ_k (o_k − y_k)² / O: one window's loss, the mean squared error over its outputs.</summary>
    public static float SquaredError(ArrayView<float> outputs, ArrayView<float> targets, int count)
    {
        float squared = 0f;
        for (int k = 0; k < count; k++)
        {
            float e = outputs[k] - targets[k];
            squared += e * e;
        }
        return squared / count;
    }

    /// <summary>
    /// Adam in Keras's form on element <paramref name="i"/>: m += (g − m)(1 − β1); v += (g² − v)(1 − β2);
    /// w −= α·m / (√v + ε), α with the bias corrections folded in (the host's AdamSchedule).
    /// </summary>
    public static void Adam(ArrayView<float> weights, ArrayView<float> m, ArrayView<float> v, int i, float g,
        float alpha, float beta1, float beta2, float epsilon)
    {
        float mi = m[i] + (g - m[i]) * (1f - beta1);
        float vi = v[i] + (g * g - v[i]) * (1f - beta2);
        m[i] = mi;
        v[i] = vi;
        weights[i] -= alpha * mi / (MathF.Sqrt(vi) + epsilon);
    }
}

/// <summary>One value for each of four windows, kept in registers by the tile kernel's blocked sums (<see cref="CellMath.Dot(Four, ArrayView{float}, int, int, int, int, int, ArrayView{float}, int, int)"/>).</summary>
public struct Four(float w0, float w1, float w2, float w3)
{
    public float W0 = w0, W1 = w1, W2 = w2, W3 = w3;
}
