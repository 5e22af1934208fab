using ILGPU;

namespace GpuRnn.Kernels;

/// <summary>
/// The second launch of a tiled step (<see cref="TileKernel"/>): one thread per (model, parameter) sums the
/// model's tile partials in tile order into its gradient, and takes Adam's step with it; thread 0 of each model also
/// adds the tiles' losses to the model's loss sum. Fixed order, no atomics: the same bits on every run.
/// </summary>
public static class ReduceKernel
{
    /// <param name="index">model·parameterCount + parameter.</param>
    /// <param name="adam">1: Adam's step with the sum (α per model); 0: the sums only (a caller wants the gradients before the step).</param>
    public static void SumTiles(Index1D index, ArrayView<float> partials, ArrayView<float> lossPartials, ArrayView<float> gradients,
        ArrayView<float> lossSum, ArrayView<float> weights, ArrayView<float> m, ArrayView<float> v, ArrayView<float> alphas,
        int parameterCount, int tilesPerModel, int adam, float beta1, float beta2, float epsilon)
    {
        int model = index / parameterCount, parameter = index - model * parameterCount;
        int firstTile = model * tilesPerModel;
        float sum = 0f;
        for (int tile = 0; tile < tilesPerModel; tile++) sum += partials[(firstTile + tile) * parameterCount + parameter];
        gradients[index] = sum;
        if (parameter == 0)
        {
            float loss = lossSum[model];
            for (int tile = 0; tile < tilesPerModel; tile++) loss += lossPartials[firstTile + tile];
            lossSum[model] = loss;
        }
        if (adam != 0) CellMath.Adam(weights, m, v, index, sum, alphas[model], beta1, beta2, epsilon);
    }
}
