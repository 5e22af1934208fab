using System.Runtime.InteropServices;
using GpuRnn.Cli.Commands;

namespace GpuRnn.Cli;

public static class Program
{
    /// <summary>Exit code for bad input: one clear line on stderr, no stack trace, no half-written output.</summary>
    public const int BadInput = 2;

    /// <summary>Exit code when training diverged (a NaN or infinite loss).</summary>
    public const int Diverged = 1;

    public static int Main(string[] args)
    {
        // Ctrl-C and SIGTERM: remove any temporary still being written, then exit as a shell expects (128 + signal).
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Interrupted(c, 130));
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Interrupted(c, 143));
        return Run(args, Console.Out, Console.Error);
    }

    static void Interrupted(PosixSignalContext context, int exitCode)
    {
        context.Cancel = true;
        StagedFile.DeleteLiveTemporaries();
        Progress.ClearLive(); // the bar goes; the message starts on a clean line
        Console.Error.WriteLine();
        Console.Error.WriteLine("gpurnn: interrupted; no output of this run was left half-written");
        Environment.Exit(exitCode);
    }

    /// <summary>The whole CLI behind one call, so tests run it in-process with their own writers.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        // Options, files and printed figures are culture-invariant, whatever LANG or the runtime's settings say.
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        var root = CommandTree(stdout, stderr);
        var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = stdout, Error = stderr };
        if (args.Length == 0) args = ["--help"]; // a bare gpurnn shows what it can do
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            stderr.WriteLine($"gpurnn: {CommandNames.Explain(root, args) ?? CommandNames.ExplainOption(parsed) ?? FirstLine(parsed.Errors[0].Message)}");
            return BadInput;
        }
        try
        {
            return parsed.Invoke(invocation);
        }
        catch (GpuRnnInputException e)
        {
            stderr.WriteLine($"gpurnn: {FirstLine(e.Message)}");
            return BadInput;
        }
        catch (TrainingDivergedException e)
        {
            stderr.WriteLine($"gpurnn: {FirstLine(e.Message)}");
            return Diverged;
        }
    }

    /// <summary>Every command with its options, parsed the one way (<see cref="OptionParsing"/>); tests walk it too.</summary>
    public static RootCommand CommandTree(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("gpurnn: train Elman networks (Keras SimpleRNN + Dense) for time-series forecasting")
        {
            TrainCommand.Create(stdout, stderr),
            PredictCommand.Create(stdout, stderr),
            ExplainCommand.Create(stdout),
            ForecastCommand.Create(stdout, stderr),
            SweepCommand.Create(stdout, stderr),
            TrainManyCommand.Create(stdout, stderr),
            MergeCommand.Create(stdout),
            DevicesCommand.Create(stdout),
        };
        OptionParsing.Apply(root);
        HelpVocabulary.Apply(root);
        return root;
    }

    static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd();
}
