using System.CommandLine;
using GpuRnn.Cli.Commands;
using GpuRnn.Training;

namespace GpuRnn.Cli;

public static class Program
{
    /// <summary>Exit code for bad input: one clear line on stderr, no stack trace, no half-written output.</summary>
    public const int BadInput = 2;

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>The whole CLI behind one call, so tests run it in-process with their own writers.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("gpurnn: train Elman networks (Keras SimpleRNN + Dense) for time-series forecasting")
        {
            TrainCommand.Create(stdout),
            PredictCommand.Create(stdout),
            ExplainCommand.Create(stdout),
            ForecastCommand.Create(stdout),
            SweepCommand.Create(stdout),
            DevicesCommand.Create(stdout),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            stderr.WriteLine($"gpurnn: {parsed.Errors[0].Message}");
            return BadInput;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = stdout, Error = stderr });
        }
        catch (GpuRnnInputException e)
        {
            stderr.WriteLine($"gpurnn: {e.Message}");
            return BadInput;
        }
        catch (TrainingDivergedException e)
        {
            stderr.WriteLine($"gpurnn: {e.Message}");
            return 1;
        }
    }
}
