using ILGPU;

namespace GpuRnn.Kernels;

/// <summary>
/// The threads of one launch of the reference kernels: one slot per (model, batch row), slot s = model·count + row,
/// for every model the engine trains. A slot's states, outputs, scratch and window gradient are its own rows of the
/// batch buffers; its weights are its model's row of the [model × parameter] buffers; its window is what its model's
/// order names at <c>start + row</c>. A model's result therefore never depends on which models share the launch.
/// </summary>
/// <param name="start">Position in the order of the batch's first window.</param>
/// <param name="count">Windows of the batch (per model).</param>
/// <param name="models">Models trained in the launch.</param>
/// <param name="orderStride">
/// Distance between two models' orders: the window count n when each model has its own epoch order ([model × n]);
/// 0 when every model reads one shared order (Predict's identity order).
/// </param>
public readonly struct BatchSlots(int start, int count, int models, int orderStride)
{
    public readonly int Start = start;
    public readonly int Count = count;
    public readonly int Models = models;
    public readonly int OrderStride = orderStride;

    /// <summary>Threads of a launch with one thread per slot.</summary>
    public int Slots => Models * Count;

    public int ModelOf(int slot) => slot / Count;

    /// <summary>The window slot <paramref name="slot"/> runs.</summary>
    public int WindowOf(ArrayView<int> order, int slot)
    {
        int model = slot / Count;
        return order[model * OrderStride + Start + slot - model * Count];
    }
}
