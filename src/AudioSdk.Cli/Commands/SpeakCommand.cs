using System.CommandLine;
using System.Text;
using AudioSdk.Cli.Batch;
using AudioSdk.Cli.Connection;
using AudioSdk.Cli.Speech;
using AudioSdk.Speech;

namespace AudioSdk.Cli.Commands;

/// <summary><c>audio speak</c>: text (or a text file, or standard input) to an audio file or to standard output, streamed.</summary>
internal static class SpeakCommand
{
    public static Command Create(GlobalOptions global, CliConsole console)
    {
        var input = new Argument<string>("text") { Description = "The text, a path to a text file, or - for standard input" };
        var output = new Option<string?>("--out", "-o") { Description = "Audio file to write (- or none: standard output, streamed)" };
        var voice = new Option<string?>("--voice", "-v") { Description = "Voice (default: the profile's voice, else alloy)" };
        var format = new Option<string?>("--format",
            "-f") { Description = "mp3, wav, pcm, opus, aac or flac (default: from --out's extension, else mp3)" };
        var speed = new Option<double?>("--speed") { Description = "0.25 to 4.0" };
        var instructions = new Option<string?>("--instructions") { Description = "How to speak (tone, accent), for models that take it" };
        var model = new Option<string?>("--model", "-m") { Description = "Model (default: the profile's ttsModel, else gpt-4o-mini-tts)" };
        var allowBinary = new Option<bool>("--allow-binary") { Description = "Speak input that is not text (invalid UTF-8 or control characters, replaced); refused without this" };
        var command = new Command("speak",
            "Turn text into speech. Text over 4096 characters is split at sentence ends and joined into one file.")
        {
            input, output, voice, format, speed, instructions, model, allowBinary,
        };
        command.SetAction(async (parse, ct) =>
        {
            var text = await ReadTextAsync(parse.GetValue(input)!, console, parse.GetValue(allowBinary), ct).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new CliUsageException("There is no text to speak.");
            }

            var path = parse.GetValue(output) is { } o && o != "-" ? Path.GetFullPath(o, console.WorkingDirectory) : null;
            if (path is null && console.IsTerminal)
            {
                throw new CliUsageException("Audio is not written to a terminal: give --out FILE, or pipe the output into a player (audio speak ... | ffplay -).");
            }

            var speechFormat = new SpeechFormat(parse.GetValue(format) ?? FormatFor(path) ?? "mp3");
            var parts = SpeechTextChunker.Split(text, SpeechOptions.MaxInputLength);
            if (parts.Count > 1 && SpeechJoiner.CannotJoin(speechFormat) is { } reason)
            {
                throw new CliUsageException($"The text has {text.Length} characters, over {SpeechOptions.MaxInputLength}, so it is spoken in {parts.Count} parts, but {reason}");
            }

            return await AudioConnection.UseAsync(parse, global, console, async connection =>
            {
                var options = new SpeechOptions
                {
                    Model = parse.GetValue(model) ?? connection.Profile?.TtsModel ?? "gpt-4o-mini-tts",
                    Voice = parse.GetValue(voice) ?? connection.Profile?.Voice ?? "alloy",
                    ResponseFormat = speechFormat,
                    Speed = parse.GetValue(speed),
                    Instructions = parse.GetValue(instructions),
                };

                if (path is null)
                {
                    var stdout = console.OpenStandardOutput();
                    try
                    {
                        await using (stdout.ConfigureAwait(false))
                        {
                            await SpeakAsync(connection.Client, parts, options, stdout, ct).ConfigureAwait(false);
                        }
                    }
                    catch (Exception ex) when (!ct.IsCancellationRequested && IsWriteFailure(ex))
                    {
                        // Standard output redirected to a file on a full disk or under a file size limit.
                        throw new SpeakWriteException($"Cannot write standard output: {ex.Message}", ex);
                    }

                    return ExitCodes.Success;
                }

                // A killed earlier run's temporary file for this output goes now; this run's goes on any failure or signal.
                AtomicFile.RemoveLeftovers([path]);
                using (var file = AtomicFile.Create(path))
                {
                    try
                    {
                        await SpeakAsync(connection.Client, parts, options, file.Stream, ct).ConfigureAwait(false);
                        file.Commit();
                    }
                    catch (Exception ex) when (!ct.IsCancellationRequested && IsWriteFailure(ex))
                    {
                        // A full disk or a file size limit (.NET reports EFBIG on growing a file as an ArgumentException
                        // about the file length): the output could not be written, which is not a usage mistake.
                        throw new SpeakWriteException($"Cannot write {path}: {ex.Message}", ex);
                    }
                }

                if (parse.GetValue(global.Json))
                {
                    await console.Out.WriteLineAsync(JsonText.Write(
                        w =>
                        {
                            w.WriteStartObject();
                            w.WriteString("output", path);
                            w.WriteNumber("bytes", new FileInfo(path).Length);
                            w.WriteNumber("requests", parts.Count);
                            w.WriteNumber("exitCode", ExitCodes.Success);
                            w.WriteEndObject();
                        },
                        indented: false)).ConfigureAwait(false);
                }
                else if (!parse.GetValue(global.Quiet))
                {
                    await console.Error.WriteLineAsync($"Wrote {path} ({new FileInfo(path).Length} bytes, {parts.Count} request(s))").ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }, ct).ConfigureAwait(false);
        });
        return command;
    }

    internal static async Task SpeakAsync(AudioClient client, IReadOnlyList<string> parts, SpeechOptions options, Stream output,
        CancellationToken ct)
    {
        var joiner = new SpeechJoiner(output, options.ResponseFormat!.Value, parts.Count);
        foreach (var part in parts)
        {
            await joiner.WritePartAsync(client.StreamSpeechAsync(part, options, ct), ct).ConfigureAwait(false);
            await output.FlushAsync(ct).ConfigureAwait(false);
        }

        await joiner.CompleteAsync(ct).ConfigureAwait(false);
    }

    private static async Task<string> ReadTextAsync(string argument, CliConsole console, bool allowBinary, CancellationToken ct)
    {
        byte[] bytes;
        string source;
        if (argument == "-")
        {
            var stdin = console.OpenStandardInput();
            await using (stdin.ConfigureAwait(false))
            {
                using var buffer = new MemoryStream();
                await stdin.CopyToAsync(buffer, ct).ConfigureAwait(false);
                bytes = buffer.ToArray();
            }

            source = "Standard input";
        }
        else
        {
            var path = Path.GetFullPath(argument, console.WorkingDirectory);
            if (argument.Length >= 1024 || !File.Exists(path))
            {
                return argument;
            }

            bytes = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
            source = $"The file '{argument}'";
        }

        return allowBinary ? Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF') : DecodeText(bytes, source);
    }

    /// <summary>UTF-8 text without control characters (other than tab, line breaks and form feed), else a usage error: random bytes would
    /// become paid requests of replacement characters.</summary>
    internal static string DecodeText(byte[] bytes, string source)
    {
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException ex)
        {
            throw new CliUsageException($"{source} is not text: invalid UTF-8 at byte {ex.Index}. Pass --allow-binary to speak it anyway.");
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsControl(text[i]) && text[i] is not ('\t' or '\n' or '\r' or '\f'))
            {
                throw new CliUsageException($"{source} is not text: control character U+{(int)text[i]:X4} at character {i}. Pass --allow-binary to speak it anyway.");
            }
        }

        return text;
    }

    /// <summary>The speech could not be written to its file (disk full, file size limit); exit code 1.</summary>
    /// <summary>A full disk or a file size limit (.NET reports EFBIG on growing a file as an ArgumentException about the file
    /// length).</summary>
    private static bool IsWriteFailure(Exception ex) =>
        ex is IOException
            || (ex is ArgumentException { ParamName: "value" } && ex.Message.Contains("file", StringComparison.OrdinalIgnoreCase));

        internal sealed class SpeakWriteException(string message, Exception inner) : IOException(message, inner);

    private static string? FormatFor(string? path) => Path.GetExtension(path)?.ToLowerInvariant() switch
    {
        ".mp3" => "mp3",
        ".wav" => "wav",
        ".pcm" or ".raw" => "pcm",
        ".opus" or ".ogg" => "opus",
        ".aac" => "aac",
        ".flac" => "flac",
        _ => null,
    };
}
