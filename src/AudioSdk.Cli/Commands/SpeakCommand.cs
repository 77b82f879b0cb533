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
        var format = new Option<string?>("--format", "-f") { Description = "mp3, wav, pcm, opus, aac or flac (default: from --out's extension, else mp3)" };
        var speed = new Option<double?>("--speed") { Description = "0.25 to 4.0" };
        var instructions = new Option<string?>("--instructions") { Description = "How to speak (tone, accent), for models that take it" };
        var model = new Option<string?>("--model", "-m") { Description = "Model (default: the profile's ttsModel, else gpt-4o-mini-tts)" };
        var command = new Command("speak", "Turn text into speech. Text over 4096 characters is split at sentence ends and joined into one file.")
        {
            input, output, voice, format, speed, instructions, model,
        };
        command.SetAction(async (parse, ct) =>
        {
            var text = await ReadTextAsync(parse.GetValue(input)!, console, ct).ConfigureAwait(false);
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
            var parts = SentenceSplitter.Split(text, SpeechOptions.MaxInputLength);
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
                    await using (stdout.ConfigureAwait(false))
                    {
                        await SpeakAsync(connection.Client, parts, options, stdout, ct).ConfigureAwait(false);
                    }

                    return ExitCodes.Success;
                }

                using (var file = AtomicFile.Create(path))
                {
                    await SpeakAsync(connection.Client, parts, options, file.Stream, ct).ConfigureAwait(false);
                    file.Commit();
                }

                if (!parse.GetValue(global.Quiet))
                {
                    await console.Error.WriteLineAsync($"Wrote {path} ({new FileInfo(path).Length} bytes, {parts.Count} request(s))").ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }, ct).ConfigureAwait(false);
        });
        return command;
    }

    internal static async Task SpeakAsync(AudioClient client, IReadOnlyList<string> parts, SpeechOptions options, Stream output, CancellationToken ct)
    {
        var joiner = new SpeechJoiner(output, options.ResponseFormat!.Value, parts.Count);
        foreach (var part in parts)
        {
            await joiner.WritePartAsync(client.StreamSpeechAsync(part, options, ct), ct).ConfigureAwait(false);
            await output.FlushAsync(ct).ConfigureAwait(false);
        }

        await joiner.CompleteAsync(ct).ConfigureAwait(false);
    }

    private static async Task<string> ReadTextAsync(string argument, CliConsole console, CancellationToken ct)
    {
        if (argument == "-")
        {
            using var reader = new StreamReader(console.OpenStandardInput(), Encoding.UTF8);
            return await reader.ReadToEndAsync(ct).ConfigureAwait(false);
        }

        var path = Path.GetFullPath(argument, console.WorkingDirectory);
        return argument.Length < 1024 && File.Exists(path) ? await File.ReadAllTextAsync(path, ct).ConfigureAwait(false) : argument;
    }

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
