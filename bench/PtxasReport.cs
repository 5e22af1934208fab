using System.Globalization;

namespace GpuRnn.Bench;

/// <summary>
/// What bench/ptxas-report.sh found per kernel (its report.tsv): ptxas's registers, spills, shared memory and stack
/// for sm_90. For modes that print a kernel's register count beside its launch plan; where the report was never
/// made, <see cref="TryLoad"/> gives null and they print <see cref="NotFound"/>.
/// </summary>
public sealed class PtxasReport
{
    /// <summary>One kernel's line: bytes for spills, shared memory and stack, as ptxas prints them.</summary>
    public sealed record Row(string Kernel, int Registers, int SpillStores, int SpillLoads, int SharedBytes, int StackBytes);

    public const string DefaultPath = "bench/ptxas/report.tsv";

    /// <summary>What to print where there is no report (ptxas-report.sh has not run on this checkout).</summary>
    public const string NotFound = "ptxas not found";

    public IReadOnlyDictionary<string, Row> Kernels { get; }

    PtxasReport(IReadOnlyDictionary<string, Row> kernels) => Kernels = kernels;

    /// <summary>The report at <paramref name="path"/> (relative to the repository root by default), or null where there is none.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a report: better loud than registers from the wrong column.</exception>
    public static PtxasReport? TryLoad(string path = DefaultPath) =>
        File.Exists(path) ? Parse(File.ReadAllText(path)) : null;

    /// <summary>
    /// Reads the TSV by its header names rather than positions, so the script may add columns (the loop figures it
    /// writes are not read here) without breaking older readers.
    /// </summary>
    public static PtxasReport Parse(string tsv)
    {
        var lines = tsv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
        {
            throw new InvalidDataException("the ptxas report is empty");
        }
        var header = lines[0].Split('\t');
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0
            ? i
            : throw new InvalidDataException($"the ptxas report has no '{name}' column");
        int kernel = Column("kernel"), registers = Column("registers"), stores = Column("spill_stores"),
            loads = Column("spill_loads"), shared = Column("shared_bytes"), stack = Column("stack_bytes");

        var rows = new Dictionary<string, Row>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split('\t');
            int Number(int column) =>
                column < cells.Length && int.TryParse(cells[column], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
                    ? n
                    : throw new InvalidDataException($"the ptxas report's line '{line}' has no number under '{header[column]}'");
            var row = new Row(cells[kernel], Number(registers), Number(stores), Number(loads), Number(shared), Number(stack));
            rows[row.Kernel] = row;
        }
        return new PtxasReport(rows);
    }
}
