using System.Globalization;
using System.Text;
using System.Text.Json;

namespace GpuRnn.Training.Model;

/// <summary>
/// JSON tokens read from a file through a small buffer, so that a model file costs memory for its weights only,
/// never for a document tree (a tree of a 50 MB file took 1 GB). A single token may not exceed 1 MB: no number or
/// name in a model file comes near that, and it keeps a hostile file from growing the buffer.
/// </summary>
sealed class JsonStream : IDisposable
{
    const int MaxTokenBytes = 1 << 20;

    readonly Stream stream;
    readonly string source;
    byte[] buffer = new byte[64 * 1024];
    int start, end, valueStart, valueLength;
    bool final, anyToken;
    JsonReaderState state;

    JsonStream(Stream stream, string source) { this.stream = stream; this.source = source; }

    /// <summary>Opens <paramref name="path"/> (already checked to be a regular file) positioned before its first token.</summary>
    public static JsonStream Open(string path)
    {
        try
        {
            var json = new JsonStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan), path);
            json.Fill();
            // A UTF-8 byte order mark, which editors on Windows write and Utf8JsonReader does not skip.
            if (json.end >= 3 && json.buffer[0] == 0xEF && json.buffer[1] == 0xBB && json.buffer[2] == 0xBF) json.start = 3;
            return json;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GpuRnnInputException($"cannot read {path}: {e.Message}", e);
        }
    }

    public JsonTokenType Token { get; private set; }

    /// <summary>The value of a string or property name token.</summary>
    public string? Text { get; private set; }

    /// <summary>The next token; false at the end of the input (a complete document: an incomplete one is refused).</summary>
    public bool Read()
    {
        while (true)
        {
            // An empty (or blank) file is no JSON at all; say so plainly rather than in the reader's terms.
            if (final && !anyToken && buffer.AsSpan(start, end - start).IndexOfAnyExcept(" \t\r\n"u8) < 0) return false;
            var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), final, state);
            bool got;
            try
            {
                got = reader.Read();
                if (got)
                {
                    Token = reader.TokenType;
                    Text = Token is JsonTokenType.String or JsonTokenType.PropertyName ? reader.GetString() : null;
                    valueStart = start + (int)reader.TokenStartIndex;
                    valueLength = reader.ValueSpan.Length;
                    anyToken = true;
                }
            }
            catch (JsonException e) { throw new GpuRnnInputException($"{source}: not valid JSON ({FirstLine(e.Message)})", e); }
            catch (InvalidOperationException e) { throw new GpuRnnInputException($"{source}: not valid JSON ({FirstLine(e.Message)})", e); }
            start += (int)reader.BytesConsumed;
            state = reader.CurrentState;
            if (got) return true;
            if (final) return false;
            try { Fill(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new GpuRnnInputException($"cannot read {source}: {e.Message}", e);
            }
        }
    }

    /// <summary>The next token, which must exist; <paramref name="inside"/> says where, for the message.</summary>
    public void Next(string inside)
    {
        if (!Read()) throw new GpuRnnInputException($"{source}: the file ends inside {inside}");
    }

    /// <summary>Skips the value that starts at the current token, one token at a time (nothing is kept).</summary>
    public void SkipValue()
    {
        if (Token is not (JsonTokenType.StartArray or JsonTokenType.StartObject)) return;
        for (int depth = 1; depth > 0;)
        {
            Next("a value");
            if (Token is JsonTokenType.StartArray or JsonTokenType.StartObject) depth++;
            else if (Token is JsonTokenType.EndArray or JsonTokenType.EndObject) depth--;
        }
    }

    /// <summary>The current number token as a float, if it is a finite one.</summary>
    public bool TryFloat(out float value) =>
        float.TryParse(NumberBytes, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);

    /// <summary>The current number token as a double, if it is a finite one.</summary>
    public bool TryDouble(out double value) =>
        double.TryParse(NumberBytes, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>The current token as written, for messages (numbers; other tokens are named by their kind).</summary>
    public string Describe() => Token switch
    {
        JsonTokenType.Number => Encoding.UTF8.GetString(NumberBytes),
        JsonTokenType.String => Text!.Length <= 20 ? $"the string \"{Text.ReplaceLineEndings(" ")}\"" : "a string",
        JsonTokenType.Null => "null",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "a list",
        _ => "nothing",
    };

    ReadOnlySpan<byte> NumberBytes => buffer.AsSpan(valueStart, valueLength);

    /// <summary>Keeps the unread bytes and reads more after them, growing the buffer only for a token longer than it.</summary>
    void Fill()
    {
        int kept = end - start;
        Buffer.BlockCopy(buffer, start, buffer, 0, kept);
        start = 0;
        end = kept;
        if (end == buffer.Length)
        {
            if (buffer.Length >= MaxTokenBytes)
                throw new GpuRnnInputException($"{source}: a single JSON value is longer than {MaxTokenBytes / (1 << 20)} MB, which no model file holds");
            Array.Resize(ref buffer, buffer.Length * 2);
        }
        int read = stream.Read(buffer, end, buffer.Length - end);
        if (read == 0) final = true;
        end += read;
    }

    static string FirstLine(string message)
    {
        // The reader's own position counts from the start of the buffered chunk, not of the file: leave it out.
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOfAny(['\r', '\n']);
        return (cut < 0 ? message : message[..cut]).Trim().TrimEnd('.');
    }

    public void Dispose() => stream.Dispose();
}
