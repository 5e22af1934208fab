using System.Text;

namespace GpuRnn.Training.Many;

/// <summary>
/// A series' seed, from the run's seed and the series' id alone (never its position in the file): shards,
/// reorderings and reruns train identical models. FNV-1a over the id's UTF-8 bytes, seeded by the run's seed, folded
/// through SplitMix64's finaliser to a non-negative int.
/// </summary>
public static class SeriesSeed
{
    public static int Of(int seed, string id)
    {
        const ulong prime = 1099511628211UL;
        ulong hash = 14695981039346656037UL ^ (uint)seed;
        hash *= prime;
        foreach (byte b in Encoding.UTF8.GetBytes(id))
        {
            hash ^= b;
            hash *= prime;
        }
        // SplitMix64's finaliser: ids that differ in one character get unrelated seeds.
        hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9UL;
        hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EBUL;
        hash ^= hash >> 31;
        return (int)(hash & int.MaxValue);
    }
}
