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

    /// <summary>
    /// The message for a mistyped option, with the nearest the command has (names and aliases, by edit distance, or
    /// the one option the word begins): "unknown option '--epoch' for 'train'; did you mean '--epochs'?". Null when
    /// no token was left unmatched.
    /// </summary>
    public static string? ExplainOption(ParseResult parsed)
    {
        string? unknown = parsed.UnmatchedTokens.FirstOrDefault(t => t.StartsWith('-'));
        if (unknown is null) return null;
        var command = parsed.CommandResult.Command;
        var names = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)).Distinct().ToList();
        string word = unknown.Split('=')[0].ToLowerInvariant();
        var starting = names.Where(n => n.StartsWith(word, StringComparison.Ordinal)).ToList();
        string? nearest = starting.Count == 1 ? starting[0] : names.MinBy(n => Distance(n, word));
        bool close = nearest is not null && (starting.Count == 1 || Distance(nearest, word) <= Math.Max(2, word.Length / 4));
        string where = command is RootCommand ? "" : $" for '{command.Name}'";
        string help = command is RootCommand ? "gpurnn --help" : $"gpurnn {command.Name} --help";
        return $"unknown option '{unknown}'{where}{(close ? $"; did you mean '{nearest}'?" : "")} ('{help}' lists them)";
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
