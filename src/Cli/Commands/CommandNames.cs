using System.CommandLine;

namespace GpuRnn.Cli.Commands;

/// <summary>A mistyped command named as such, with the nearest real one: "unknown command 'trian'; did you mean 'train'?".</summary>
static class CommandNames
{
    /// <summary>The message for an unknown first word, or null when the first word is a command (or an option).</summary>
    public static string? Explain(RootCommand root, string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-')) return null;
        var names = root.Subcommands.Select(c => c.Name).ToList();
        if (names.Contains(args[0])) return null;
        string? nearest = names.MinBy(n => Distance(n, args[0].ToLowerInvariant()));
        string hint = nearest is not null && Distance(nearest, args[0].ToLowerInvariant()) <= 2 ? $"did you mean '{nearest}'? " : "";
        return $"unknown command '{args[0]}'; {hint}(commands: {string.Join(", ", names)}; 'gpurnn --help' says more)";
    }

    /// <summary>Edit distance with adjacent transpositions (so "trian" is one step from "train").</summary>
    static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
