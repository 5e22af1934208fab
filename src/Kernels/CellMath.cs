using ILGPU;

namespace GpuRnn.Kernels;

/// <summary>
/// The formulas the ILGPU kernels share, written once as device functions: each kernel lays its rows out its own
/// way (per slot, in shared memory, per model) and passes views of them. Same operations in the same order as
/// ScalarEngine, so that the CPU accelerator agrees with it.
/// </summary>
public static class CellMath
{
    /// <summary>o_k = g(by_k + Σ_j h_T[j]·Wy[j, k]): output <paramref name="k"/> of the Dense head from the model's parameter row.</summary>
    public static float DenseOutput(ArrayView<float> weights, ArrayView<float> lastState, NetworkShape net, int k)
    {
        float z = weights[net.DenseBiasOffset + k];
        for (int j = 0; j < net.TopUnits; j++) z += lastState[j] * weights[net.DenseKernelOffset + j * net.Outputs + k];
        return Activations.Apply(z, net.Output);
    }

    /// <summary>
    /// Σ_j W[row, j]·d[j] for the row-major matrix at <paramref name="offset"/> with <paramref name="columns"/> columns:
    /// BPTT's step back through a kernel (dh_{t−1} = da_t·Whᵀ; the layer below's gradient da_t·Wxᵀ).
    /// </summary>
    public static float BackThrough(ArrayView<float> weights, int offset, int row, int columns, ArrayView<float> d)
    {
        float sum = 0f;
        for (int j = 0; j < columns; j++) sum += weights[offset + row * columns + j] * d[j];
        return sum;
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
