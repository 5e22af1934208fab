using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GpuRnn.Training;

/// <summary>What a seeded generator is drawn for: each purpose has its own independent stream of the same seed.</summary>
public enum RandomStream
{
    /// <summary>Keras's initialisers: glorot_uniform kernels and orthogonal recurrent kernels.</summary>
    InitialWeights = 1,

    /// <summary>The order in which each epoch visits the training windows.</summary>
    Shuffle = 2,

    /// <summary>Made-up data (<see cref="Many.SyntheticSeries"/>).</summary>
    SyntheticData = 3,
}

/// <summary>
/// The one source of seeded randomness in training: xoshiro256** (Blackman and Vigna), its state filled by
/// SplitMix64 from a hash of (seed, stream). <see cref="Random"/>(seed) is not used because consecutive seeds give
/// correlated first draws there (r ≈ −0.8 between seeds s and s + 1 for one recurrent weight), so a sweep over
/// seeds 1, 2, 3 would not be independent draws. Here every (seed, stream) pair starts from an unrelated state,
/// and runs stay bit-reproducible per seed. The uniform, integer and shuffle draws are the same on every platform;
/// the normals go through the runtime's vector Log and SinCos, identical run to run on one machine and runtime.
/// </summary>
public sealed class SeededRandom
{
    const ulong GoldenGamma = 0x9E3779B97F4A7C15; // SplitMix64's increment: 2⁶⁴ / φ, odd

    /// <summary>Normals are made 16 at a time (8 Box–Muller pairs, one 512-bit vector of each half).</summary>
    const int NormalBlock = 16;

    Xoshiro256StarStar state;
    readonly double[] normals = new double[NormalBlock];
    int normalsLeft;

    public SeededRandom(int seed, RandomStream stream)
    {
        // (seed, stream) packs injectively into 64 bits; the finaliser spreads it so that neighbouring seeds start
        // SplitMix64 at unrelated points, and SplitMix64 then yields the four state words (never all zero: its
        // outputs at distinct states are distinct, so at most one of them can be zero).
        ulong splitMix = Mix((uint)seed | (ulong)(uint)stream << 32);
        state.S0 = NextSplitMix(ref splitMix);
        state.S1 = NextSplitMix(ref splitMix);
        state.S2 = NextSplitMix(ref splitMix);
        state.S3 = NextSplitMix(ref splitMix);
    }

    /// <summary>64 uniformly random bits (xoshiro256**).</summary>
    public ulong NextUInt64() => state.Next();

    /// <summary>Uniform in [0, 1), on the grid of 2⁻⁵³ (the top 53 bits, as every double in that range can be).</summary>
    public double NextDouble() => state.NextDouble();

    /// <summary>Uniform integer in [0, bound), without modulo bias (Lemire's multiply-and-reject).</summary>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        ulong range = (ulong)bound;
        UInt128 product = (UInt128)NextUInt64() * range;
        if ((ulong)product < range)
        {
            ulong threshold = (0 - range) % range; // 2⁶⁴ mod range: the low words below it would favour small results
            while ((ulong)product < threshold) product = (UInt128)NextUInt64() * range;
        }
        return (int)(product >> 64);
    }

    /// <summary>Standard normal (Box–Muller, made in blocks of <see cref="NormalBlock"/> and handed out one by one).</summary>
    public double NextStandardNormal()
    {
        if (normalsLeft == 0)
        {
            NormalBlockFrom(ref state, normals);
            normalsLeft = NormalBlock;
        }
        return normals[NormalBlock - normalsLeft--];
    }

    /// <summary>
    /// The same values as that many <see cref="NextStandardNormal"/> calls, faster: whole blocks go straight into the
    /// span, and the generator's state stays in registers instead of being reloaded from this object for every draw.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called a few times on long spans: no slow first tier
    public void FillStandardNormal(Span<double> destination)
    {
        int i = 0;
        while (normalsLeft > 0 && i < destination.Length) destination[i++] = normals[NormalBlock - normalsLeft--];
        var local = state;
        for (; i + NormalBlock <= destination.Length; i += NormalBlock) NormalBlockFrom(ref local, destination.Slice(i, NormalBlock));
        if (i < destination.Length)
        {
            NormalBlockFrom(ref local, normals);
            normalsLeft = NormalBlock;
            while (i < destination.Length) destination[i++] = normals[NormalBlock - normalsLeft--];
        }
        state = local;
    }

    /// <summary>
    /// Box–Muller on 8 pairs at once: with u ∈ (0, 1] and v ∈ [0, 1), √(−2 ln u)·cos 2πv and √(−2 ln u)·sin 2πv are
    /// independent standard normals; the first 8 go to the block's first half, the sines to its second.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void NormalBlockFrom(ref Xoshiro256StarStar generator, Span<double> block)
    {
        for (int i = 0; i < NormalBlock; i++) block[i] = generator.NextDouble();
        var u = Vector512<double>.One - Vector512.Create((ReadOnlySpan<double>)block[..8]); // (0, 1]: the logarithm stays finite
        var v = Vector512.Create((ReadOnlySpan<double>)block[8..]);
        var radius = Vector512.Sqrt(Vector512.Create(-2.0) * Vector512.Log(u));
        var (sin, cos) = Vector512.SinCos(Vector512.Create(2 * Math.PI) * v);
        (radius * cos).CopyTo(block);
        (radius * sin).CopyTo(block[8..]);
    }

    /// <summary>A uniformly random permutation in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    static ulong NextSplitMix(ref ulong state) => Mix(state += GoldenGamma);

    /// <summary>SplitMix64's finaliser (Stafford's Mix13): a bijection on 64 bits with full avalanche.</summary>
    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>The generator's four words as a struct, so that a local copy of it can live in registers.</summary>
    struct Xoshiro256StarStar
    {
        public ulong S0, S1, S2, S3;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong Next()
        {
            ulong result = ulong.RotateLeft(S1 * 5, 7) * 9;
            ulong t = S1 << 17;
            S2 ^= S0;
            S3 ^= S1;
            S1 ^= S2;
            S0 ^= S3;
            S2 ^= t;
            S3 = ulong.RotateLeft(S3, 45);
            return result;
        }

        /// <summary>Uniform in [0, 1), on the grid of 2⁻⁵³ (the top 53 bits, as every double in that range can be).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
    }
}
