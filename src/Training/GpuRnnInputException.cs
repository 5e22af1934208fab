namespace GpuRnn.Training;

/// <summary>
/// Bad input from the user (a missing file, an unknown column, a nonsense size): the CLI prints the message on one
/// line and exits with code 2, without a stack trace.
/// </summary>
public sealed class GpuRnnInputException(string message, Exception? inner = null) : Exception(message, inner);
