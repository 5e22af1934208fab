namespace GpuRnn.Training;

/// <summary>What a seeded generator is drawn for: each purpose has its own independent stream of the same seed.</summary>
public enum RandomStream
{
    /// <summary>Keras's initialisers: glorot_uniform kernels and orthogonal recurrent kernels.</summary>
    InitialWeights = 1,

    /// <summary>The order in which each epoch visits the training windows.</summary>
    Shuffle = 2,
}

/// <summary>
/// The one source of seeded randomness in training: xoshiro256** (Blackman and Vigna), its state filled by
/// SplitMix64 from a hash of (seed, stream). <see cref="Random"/>(seed) is not used because consecutive seeds give
/// correlated first draws there (r ≈ −0.8 between seeds s and s + 1 for one recurrent weight), so a sweep over
/// seeds 1, 2, 3 would not be independent draws. Here every (seed, stream) pair starts from an unrelated state,
/// and runs stay bit-reproducible per seed on every platform (no dependence on the runtime's own generator).
/// </summary>
public sealed class SeededRandom
{
    const ulong GoldenGamma = 0x9E3779B97F4A7C15; // SplitMix64's increment: 2⁶⁴ / φ, odd

    ulong s0, s1, s2, s3;
    double spareNormal;
    bool hasSpareNormal;

    public SeededRandom(int seed, RandomStream stream)
    {
        // (seed, stream) packs injectively into 64 bits; the finaliser spreads it so that neighbouring seeds start
        // SplitMix64 at unrelated points, and SplitMix64 then yields the four state words (never all zero: its
        // outputs at distinct states are distinct, so at most one of them can be zero).
        ulong state = Mix((uint)seed | (ulong)(uint)stream << 32);
        s0 = NextSplitMix(ref state);
        s1 = NextSplitMix(ref state);
        s2 = NextSplitMix(ref state);
        s3 = NextSplitMix(ref state);
    }

    /// <summary>64 uniformly random bits (xoshiro256**).</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1), on the grid of 2⁻⁵³ (the top 53 bits, as every double in that range can be).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

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

    /// <summary>Standard normal (Marsaglia's polar method; the second value of each pair is kept for the next call).</summary>
    public double NextStandardNormal()
    {
        if (hasSpareNormal)
        {
            hasSpareNormal = false;
            return spareNormal;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double factor = Math.Sqrt(-2 * Math.Log(s) / s);
        spareNormal = v * factor;
        hasSpareNormal = true;
        return u * factor;
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
}
