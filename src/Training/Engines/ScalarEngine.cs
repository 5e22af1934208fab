using System.Numerics;
using System.Runtime.CompilerServices;
using GpuRnn.Kernels;
using GpuRnn.Training.Data;
using GpuRnn.Training.Model;

namespace GpuRnn.Training.Engines;

/// <summary>
/// The reference engine: single-threaded plain loops written from the formulas, generic over the number type so
/// that the same code runs in float32 (the baseline every other engine is compared with) and in float64 (checked
/// against finite differences). Nothing here is shared with the kernels.
/// </summary>
public sealed class ScalarEngine<T> : IRnnEngine where T : unmanaged, IFloatingPointIeee754<T>
{
    readonly T[] w, grad, m, v;
    T[] x = [], y = [];
    int[] order = [];
    int windowCount, batchStart, batchCount;
    /// <summary>Steps of the training windows: the states and BPTT scratch below are sized for it.</summary>
    int timeSteps;
    T lossSum = T.Zero;

    // Per window of the current batch: hidden states h[layer][(t + 1) · units + j] (row 0 is h_0 = 0) and outputs.
    T[][][] states = [];
    T[][] outputs = [];

    // BPTT scratch, allocated once per training set: gradient arriving at each step's output of a layer, [steps × units], per layer.
    T[][] dSequence = [];
    readonly T[] dhNext, da;

    public ScalarEngine(ModelSpec spec)
    {
        Spec = spec.Validated();
        Layout = spec.Layout();
        w = new T[Layout.Count];
        grad = new T[Layout.Count];
        m = new T[Layout.Count];
        v = new T[Layout.Count];
        dhNext = new T[Layout.MaxWidth];
        da = new T[Layout.MaxWidth];
    }

    public string Name => typeof(T) == typeof(float) ? "scalar" : $"scalar-{typeof(T).Name.ToLowerInvariant()}";
    public ModelSpec Spec { get; }
    public ParameterLayout Layout { get; }
    public int Models => 1;

    /// <summary>Its hot methods, compiled once per process and T: else the scalar baseline's timed training included their JIT.</summary>
    static readonly Lazy<bool> Compiled = new(() =>
    {
        AggressiveMethods.Compile([typeof(ScalarEngine<T>), typeof(Trainer), typeof(AdamSchedule)]);
        return true;
    });

    public void PrepareFor(int windows, int batchSize, int predicted = 0) => _ = Compiled.Value;

    public void SetTrainingData(WindowSet windows)
    {
        Spec.EnsureFits(windows);
        x = Convert(windows.X);
        y = Convert(windows.Y);
        windowCount = windows.Count;
        order = [.. Enumerable.Range(0, windowCount)];
        if (windows.TimeSteps == timeSteps) return;
        timeSteps = windows.TimeSteps;
        dSequence = [.. Enumerable.Range(0, Spec.Layers).Select(l => new T[timeSteps * Spec.Units[l]])];
        states = []; // sized for the old length: EnsureBatchBuffers allocates them anew
        outputs = [];
    }

    public void SetParameters(ReadOnlySpan<float> parameters)
    {
        if (parameters.Length != Layout.Count) throw new ArgumentException($"expected {Layout.Count} parameters, got {parameters.Length}");
        for (int i = 0; i < w.Length; i++) w[i] = T.CreateChecked(parameters[i]);
        Array.Clear(m); Array.Clear(v); Array.Clear(grad);
    }

    /// <summary>Float64 access for gradient checks: sets the weights without rounding them to float32.</summary>
    public void SetParametersExact(ReadOnlySpan<T> parameters) { parameters.CopyTo(w); Array.Clear(m); Array.Clear(v); }

    public T[] GetParametersExact() => (T[])w.Clone();

    public T[] GetGradientsExact() => (T[])grad.Clone();

    public float[] GetParameters() => ToFloat(w);

    public float[] GetGradients() => ToFloat(grad);

    public void SetOrder(ReadOnlySpan<int> newOrder)
    {
        if (newOrder.Length != windowCount) throw new ArgumentException("the order must cover every training window");
        order = newOrder.ToArray();
    }

    // Forward, Backward and ApplyAdam forward to private AggressiveOptimization methods, which are compiled before
    // training (see AggressiveMethods.Compile: an interface method would compile in the first timed step).
    public void Forward(int start, int count) => ForwardBatch(start, count);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void ForwardBatch(int start, int count)
    {
        if (start < 0 || count < 1 || start + count > windowCount) throw new ArgumentOutOfRangeException(nameof(count));
        EnsureBatchBuffers(count);
        batchStart = start; batchCount = count;
        int windowLength = timeSteps * Spec.Features;
        for (int b = 0; b < count; b++)
        {
            int window = order[start + b];
            ForwardWindow(x.AsSpan(window * windowLength, windowLength), timeSteps, states[b], outputs[b]);
            T squared = T.Zero;
            for (int k = 0; k < Spec.Outputs; k++)
            {
                T e = outputs[b][k] - y[window * Spec.Outputs + k];
                squared += e * e;
            }
            lossSum += squared / T.CreateChecked(Spec.Outputs);
        }
    }

    public double[] TakeLossSums()
    {
        double sum = double.CreateChecked(lossSum);
        lossSum = T.Zero;
        return [sum];
    }

    public void Backward() => BackwardBatch();

    /// <summary>
    /// BPTT for L = mean over the batch and outputs of (o − y)². With z the Dense pre-activation and a_t the
    /// SimpleRNN pre-activation: dL/do = 2(o − y)/(B·outputs); dz = dL/do · g′; the last hidden state receives
    /// dz·Wyᵀ; then backwards in time da_t = dh_t · f′, dh_{t−1} += da_t·Whᵀ, and the layer below's h_t receives
    /// da_t·Wxᵀ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void BackwardBatch()
    {
        Array.Clear(grad);
        int steps = timeSteps, outs = Spec.Outputs, top = Spec.Layers - 1;
        int windowLength = steps * Spec.Features;
        T scale = T.CreateChecked(2) / T.CreateChecked(batchCount * outs);
        var dense = Layout.DenseKernel;
        var denseBias = Layout.DenseBias;
        for (int b = 0; b < batchCount; b++)
        {
            int window = order[batchStart + b];
            var h = states[b];
            var dOut = dSequence[top];
            Array.Clear(dOut);
            for (int k = 0; k < outs; k++)
            {
                T o = outputs[b][k];
                T dz = scale * (o - y[window * outs + k]) * Derivative(o, Spec.OutputActivation);
                grad[denseBias.At(0, k)] += dz;
                for (int j = 0; j < Layout.TopUnits; j++)
                {
                    grad[dense.At(j, k)] += h[top][steps * Layout.TopUnits + j] * dz;
                    dOut[(steps - 1) * Layout.TopUnits + j] += dz * w[dense.At(j, k)];
                }
            }
            for (int l = top; l >= 0; l--)
            {
                int units = Layout.Units[l], inputs = Layout.Inputs[l];
                var kernel = Layout.Kernel[l];
                var recurrent = Layout.RecurrentKernel[l];
                var bias = Layout.Bias[l];
                var dBelow = l > 0 ? dSequence[l - 1] : null;
                Array.Clear(dhNext);
                for (int t = steps - 1; t >= 0; t--)
                {
                    for (int j = 0; j < units; j++)
                        da[j] = (dOut[t * units + j] + dhNext[j]) * Derivative(h[l][(t + 1) * units + j], Spec.HiddenActivation);
                    for (int j = 0; j < units; j++)
                    {
                        grad[bias.At(0, j)] += da[j];
                        for (int i = 0; i < inputs; i++)
                            grad[kernel.At(i, j)] += Input(l, window, windowLength, h, t, i) * da[j];
                        for (int i = 0; i < units; i++)
                            grad[recurrent.At(i, j)] += h[l][t * units + i] * da[j];
                    }
                    for (int i = 0; i < units; i++)
                    {
                        T sum = T.Zero;
                        for (int j = 0; j < units; j++) sum += w[recurrent.At(i, j)] * da[j];
                        dhNext[i] = sum;
                    }
                    if (dBelow is not null)
                        for (int i = 0; i < inputs; i++)
                        {
                            T sum = T.Zero;
                            for (int j = 0; j < units; j++) sum += w[kernel.At(i, j)] * da[j];
                            dBelow[t * inputs + i] = sum;
                        }
                }
                if (dBelow is not null) dOut = dBelow; // every step of it is written above, so no clearing is needed
            }
        }
    }

    public void ApplyAdam(ReadOnlySpan<AdamStep> steps) => TakeAdamStep(steps);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void TakeAdamStep(ReadOnlySpan<AdamStep> steps)
    {
        var step = RnnEngineExtensions.Single(steps);
        T alpha = T.CreateChecked(step.Alpha), beta1 = T.CreateChecked(step.Beta1), beta2 = T.CreateChecked(step.Beta2);
        T epsilon = T.CreateChecked(step.Epsilon);
        for (int i = 0; i < w.Length; i++)
        {
            T g = grad[i];
            m[i] += (g - m[i]) * (T.One - beta1);
            v[i] += (g * g - v[i]) * (T.One - beta2);
            w[i] -= alpha * m[i] / (T.Sqrt(v[i]) + epsilon);
        }
    }

    public float[] Predict(WindowSet windows)
    {
        Spec.EnsureFits(windows);
        var result = new float[windows.Count * Spec.Outputs];
        var h = NewStates(windows.TimeSteps);
        var o = new T[Spec.Outputs];
        var input = new T[windows.TimeSteps * Spec.Features];
        for (int n = 0; n < windows.Count; n++)
        {
            var src = windows.Window(n);
            for (int i = 0; i < input.Length; i++) input[i] = T.CreateChecked(src[i]);
            ForwardWindow(input, windows.TimeSteps, h, o);
            for (int k = 0; k < Spec.Outputs; k++) result[n * Spec.Outputs + k] = float.CreateChecked(o[k]);
        }
        return result;
    }

    /// <summary>
    /// Forward in full precision for one window of any whole number of steps (tests and <c>explain</c>): states per
    /// layer and output.
    /// </summary>
    public (T[][] States, T[] Output) ForwardExact(ReadOnlySpan<T> window)
    {
        if (window.Length == 0 || window.Length % Spec.Features != 0)
            throw new ArgumentException($"a window is steps × {Spec.Features} features, at least one step (got {window.Length} values)", nameof(window));
        int steps = window.Length / Spec.Features;
        var h = NewStates(steps);
        var o = new T[Spec.Outputs];
        ForwardWindow(window, steps, h, o);
        return (h, o);
    }

    /// <summary>h_t = f(x_t·Wx + h_{t−1}·Wh + b) for each layer in turn; o = g(h_T·Wy + by).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    void ForwardWindow(ReadOnlySpan<T> window, int steps, T[][] h, T[] o)
    {
        for (int l = 0; l < Spec.Layers; l++)
        {
            int units = Layout.Units[l], inputs = Layout.Inputs[l];
            var kernel = Layout.Kernel[l];
            var recurrent = Layout.RecurrentKernel[l];
            var bias = Layout.Bias[l];
            for (int t = 0; t < steps; t++)
                for (int j = 0; j < units; j++)
                {
                    T a = w[bias.At(0, j)];
                    for (int i = 0; i < inputs; i++)
                    {
                        T input = l == 0 ? window[t * inputs + i] : h[l - 1][(t + 1) * inputs + i];
                        a += input * w[kernel.At(i, j)];
                    }
                    for (int i = 0; i < units; i++) a += h[l][t * units + i] * w[recurrent.At(i, j)];
                    h[l][(t + 1) * units + j] = Activate(a, Spec.HiddenActivation);
                }
        }
        int last = Layout.TopUnits, top = Spec.Layers - 1;
        for (int k = 0; k < Spec.Outputs; k++)
        {
            T z = w[Layout.DenseBias.At(0, k)];
            for (int j = 0; j < last; j++) z += h[top][steps * last + j] * w[Layout.DenseKernel.At(j, k)];
            o[k] = Activate(z, Spec.OutputActivation);
        }
    }

    T Input(int layer, int window, int windowLength, T[][] h, int t, int i) =>
        layer == 0 ? x[window * windowLength + t * Spec.Features + i] : h[layer - 1][(t + 1) * Layout.Inputs[layer] + i];

    // Fully optimised from the first call: left to tiering, a per-element call could stay unoptimised for a whole run
    // while other code keeps the JIT busy, and the one-at-a-time baselines swung by a third from run to run.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Activate(T a, Activation f) => f switch
    {
        Activation.Linear => a,
        Activation.Tanh => T.Tanh(a),
        Activation.Relu => a > T.Zero ? a : T.Zero,
        Activation.Sigmoid => T.One / (T.One + T.Exp(-a)),
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    /// <summary>f′ written in terms of the activation's output y = f(a), which is what BPTT keeps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Derivative(T y, Activation f) => f switch
    {
        Activation.Linear => T.One,
        Activation.Tanh => T.One - y * y,
        Activation.Relu => y > T.Zero ? T.One : T.Zero,
        Activation.Sigmoid => y * (T.One - y),
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    T[][] NewStates(int steps)
    {
        var h = new T[Spec.Layers][];
        for (int l = 0; l < Spec.Layers; l++) h[l] = new T[(steps + 1) * Spec.Units[l]];
        return h;
    }

    void EnsureBatchBuffers(int count)
    {
        if (states.Length >= count) return;
        states = new T[count][][];
        outputs = new T[count][];
        for (int b = 0; b < count; b++) { states[b] = NewStates(timeSteps); outputs[b] = new T[Spec.Outputs]; }
    }

    static T[] Convert(float[] source)
    {
        var result = new T[source.Length];
        for (int i = 0; i < source.Length; i++) result[i] = T.CreateChecked(source[i]);
        return result;
    }

    static float[] ToFloat(T[] source)
    {
        var result = new float[source.Length];
        for (int i = 0; i < source.Length; i++) result[i] = float.CreateChecked(source[i]);
        return result;
    }

    public void Dispose() { }
}
