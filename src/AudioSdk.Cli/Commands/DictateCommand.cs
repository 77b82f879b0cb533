using System.CommandLine;
using System.Threading.Channels;
using AudioSdk.Cli.Connection;
using AudioSdk.Devices;
using AudioSdk.Realtime;

namespace AudioSdk.Cli.Commands;

/// <summary>
/// <c>audio dictate</c>: a WAV file or raw PCM16 from standard input (so <c>arecord</c> or <c>sox</c> can pipe a
/// microphone in), or the microphone itself (<c>--mic</c>, PulseAudio on Linux), over a realtime session in either
/// dialect; live deltas on one line, final text per utterance. Where no microphone can be opened, <c>--mic</c> says so in
/// one line and reads the file or standard input instead.
/// </summary>
internal static class DictateCommand
{
    public static Command Create(GlobalOptions global, CliConsole console)
    {
        var source = new Argument<string?>("source") { Description = "A WAV file, or - for raw 16-bit little-endian mono PCM on standard input (with --mic: what to read when no microphone opens; default -)", Arity = ArgumentArity.ZeroOrOne };
        var dialect = new Option<string>("--dialect") { Description = "openai (transcription sessions) or native (vLLM)",
            DefaultValueFactory = _ => "openai" };
        dialect.AcceptOnlyFromAmong("openai", "native");
        var rate = new Option<int>("--rate") { Description = "Sample rate of standard input's PCM", DefaultValueFactory = _ => 16000 };
        var model = new Option<string?>("--model",
            "-m") { Description = "Model (default: the profile's realtimeModel, else gpt-4o-transcribe or voxtral-mini-4b-realtime)" };
        var language = new Option<string?>("--language", "-l") { Description = "Spoken language (openai dialect)" };
        var prompt = new Option<string?>("--prompt") { Description = "Text that guides the transcription (openai dialect)" };
        var vad = new Option<bool>("--vad") { Description = "Let the server find utterance ends (openai dialect server VAD)" };
        var utterance = new Option<TimeSpan?>("--utterance") { Description = "End an utterance after this much audio (such as 10s); default: at the end of the input", CustomParser = GlobalOptions.ParseDuration };
        var paced = new Option<bool>("--paced") { Description = "Send a file no faster than real time, as if live" };
        var mic = new Option<bool>("--mic") { Description = "Record from the microphone (PulseAudio on Linux) at --rate until --duration or Ctrl+C" };
        var device = new Option<string?>("--device") { Description = "The microphone: a PulseAudio source name (pactl list short sources); default: the default source" };
        var duration = new Option<TimeSpan?>("--duration") { Description = "With --mic: stop recording after this long (such as 30s)",
            CustomParser = GlobalOptions.ParseDuration };
        var command = new Command("dictate", "Transcribe live: stream audio to a realtime session and print text as it arrives.")
        {
            source, dialect, rate, model, language, prompt, vad, utterance, paced, mic, device, duration,
        };
        command.SetAction(async (parse, ct) =>
        {
            var native = parse.GetValue(dialect) == "native";
            var live = parse.GetValue(mic);
            var argument = parse.GetValue(source)
                ?? (live ? "-" : throw new CliUsageException("Give a WAV file, - for standard input, or --mic."));
            var path = argument == "-" ? null : Path.GetFullPath(argument, console.WorkingDirectory);
            if (path is not null && !File.Exists(path))
            {
                throw new CliUsageException($"No such file: {argument}");
            }

            var inputRate = parse.GetValue(rate);
            if (inputRate is < 8000 or > 192000)
            {
                throw new CliUsageException("--rate takes 8000 to 192000.");
            }

            if (parse.GetValue(vad) && native)
            {
                throw new CliUsageException("--vad is for the openai dialect; the native dialect ends utterances with --utterance or at the end of the input.");
            }

            var every = parse.GetValue(utterance);
            if (every is { } e && e < TimeSpan.FromMilliseconds(200))
            {
                throw new CliUsageException("--utterance must be at least 200ms.");
            }

            if (!live && (parse.GetValue(device) is not null || parse.GetValue(duration) is not null))
            {
                throw new CliUsageException("--device and --duration go with --mic.");
            }

            if (parse.GetValue(duration) is { } d && d <= TimeSpan.Zero)
            {
                throw new CliUsageException("--duration must be positive.");
            }

            var microphone = live ? OpenMicrophone(console, inputRate, parse.GetValue(device), argument) : null;
            if (microphone is not null)
            {
                path = null;
            }

            using var owned = microphone;
            var json = parse.GetValue(global.Json);
            var quiet = parse.GetValue(global.Quiet);
            return await AudioConnection.UseAsync(parse, global, console, async connection =>
            {
                if (path is not null)
                {
                    inputRate = (await ReadWavHeaderAsync(path, ct).ConfigureAwait(false)).Format.SampleRate;
                }

                var options = new RealtimeSessionOptions
                {
                    Dialect = native ? RealtimeDialect.VllmNative : RealtimeDialect.OpenAITranscription,
                    Model = parse.GetValue(model) ?? connection.Profile?.RealtimeModel
                        ?? (native ? "voxtral-mini-4b-realtime" : "gpt-4o-transcribe"),
                    Language = parse.GetValue(language),
                    Prompt = parse.GetValue(prompt),
                    InputSampleRate = inputRate,
                    RealTimePacing = parse.GetValue(paced),
                    TurnDetection = parse.GetValue(vad) ? new RealtimeTurnDetection() : null,
                };
                var session = await connection.Client.StartRealtimeSessionAsync(options, ct).ConfigureAwait(false);
                var printer = new TranscriptPrinter(console, json, quiet);
                await using (session.ConfigureAwait(false))
                {
                    var reader = printer.RunAsync(session, ct);
                    if (microphone is not null)
                    {
                        await SendMicrophoneAsync(session, microphone, every, parse.GetValue(duration), ct).ConfigureAwait(false);
                    }
                    else if (path is not null)
                    {
                        await SendFileAsync(session, path, ct).ConfigureAwait(false);
                    }
                    else
                    {
                        await SendStandardInputAsync(session, console, inputRate, every, ct).ConfigureAwait(false);
                    }

                    await CommitAsync(session, ct).ConfigureAwait(false);
                    await session.DisposeAsync().ConfigureAwait(false);
                    await reader.WaitAsync(TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
                }

                return printer.Errors == 0 ? ExitCodes.Success : ExitCodes.SomeFailed;
            }, ct).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The microphone, or null (after one line on standard error) where none opens: no PulseAudio, no server, no such
    /// source.</summary>
    private static PulseAudioCapture? OpenMicrophone(CliConsole console, int rate, string? device, string fallback)
    {
        try
        {
            return new PulseAudioCapture(rate, TimeSpan.FromMilliseconds(20), device: device,
                server: console.GetEnvironmentVariable("PULSE_SERVER"));
        }
        catch (AudioDeviceException ex)
        {
            console.Error.WriteLine($"{ex.Message} Reading {(fallback == "-" ? "standard input" : fallback)} instead.");
            return null;
        }
    }

    /// <summary>Sends the microphone's blocks as they come, an utterance per <paramref name="every"/>, until <paramref name="duration"/>
    /// (then the recording stops and what was recorded is sent).</summary>
    private static async Task SendMicrophoneAsync(RealtimeSession session, PulseAudioCapture microphone, TimeSpan? every,
        TimeSpan? duration, CancellationToken ct)
    {
        var blocks = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        microphone.DataAvailable += (_, e) => blocks.Writer.TryWrite(e.Buffer.AsSpan(0, e.BytesRecorded).ToArray());
        microphone.RecordingStopped += (_, e) => blocks.Writer.TryComplete(e.Exception);
        using var timer = new CancellationTokenSource();
        using var stop = timer.Token.Register(microphone.StopRecording);
        if (duration is { } limit)
        {
            timer.CancelAfter(limit);
        }

        var perUtterance = every is { } e ? (long)(e.TotalSeconds * microphone.WaveFormat.AverageBytesPerSecond) : long.MaxValue;
        long sinceCommit = 0;
        microphone.StartRecording();
        try
        {
            await foreach (var block in blocks.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await session.SendAudioAsync(block, ct).ConfigureAwait(false);
                sinceCommit += block.Length;
                if (sinceCommit >= perUtterance)
                {
                    await CommitAsync(session, ct).ConfigureAwait(false);
                    sinceCommit = 0;
                }
            }
        }
        finally
        {
            microphone.StopRecording();
        }
    }

    /// <summary>The WAV header from the file's first 64 KiB: the rate is known without reading the audio (files over 2 GB
    /// included).</summary>
    private static async Task<Audio.WavInfo> ReadWavHeaderAsync(string path, CancellationToken ct)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            var header = new byte[(int)Math.Min(file.Length, 64 * 1024)];
            await file.ReadExactlyAsync(header, ct).ConfigureAwait(false);
            return Audio.WavFile.ReadHeader(header);
        }
    }

    private static async Task SendFileAsync(RealtimeSession session, string path, CancellationToken ct) =>
        await session.SendWavFileAsync(path, ct).ConfigureAwait(false);

    private static async Task SendStandardInputAsync(RealtimeSession session, CliConsole console, int rate, TimeSpan? every,
        CancellationToken ct)
    {
        var stdin = console.OpenStandardInput();
        await using (stdin.ConfigureAwait(false))
        {
            var buffer = new byte[rate / 10 * 2];
            var perUtterance = every is { } e ? (long)(e.TotalSeconds * rate * 2) : long.MaxValue;
            long sinceCommit = 0;
            int read;
            while ((read = await stdin.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                await session.SendAudioAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                sinceCommit += read;
                if (sinceCommit >= perUtterance)
                {
                    await CommitAsync(session, ct).ConfigureAwait(false);
                    sinceCommit = 0;
                }
            }
        }
    }

    /// <summary>Ends the current utterance and waits for its text; an empty utterance (server VAD took it already) is fine.</summary>
    private static async Task CommitAsync(RealtimeSession session, CancellationToken ct)
    {
        try
        {
            var committed = await session.CommitAsync(ct).ConfigureAwait(false);
            await session.WaitForTranscriptAsync(committed.ItemId, ct).ConfigureAwait(false);
        }
        catch (RealtimeException ex) when (ex.Code == "input_audio_buffer_commit_empty")
        {
            // Nothing was said since the last utterance.
        }
    }

    /// <summary>Prints deltas on one line (on a terminal) and each utterance's final text on its own line, or JSON lines.</summary>
    private sealed class TranscriptPrinter(CliConsole console, bool json, bool quiet)
    {
        private int _lineLength;

        public int Errors { get; private set; }

        public async Task RunAsync(RealtimeSession session, CancellationToken ct)
        {
            await foreach (var e in session.ReadEventsAsync(ct).ConfigureAwait(false))
            {
                switch (e)
                {
                    case TranscriptDelta d when console.IsTerminal && !json && !quiet:
                        console.Out.Write(d.Delta);
                        _lineLength += d.Delta.Length;
                        break;
                    case TranscriptCompleted t:
                        ClearLine();
                        console.Out.WriteLine(json ? Json(t.ItemId ?? string.Empty, t.Transcript) : t.Transcript.Trim());
                        break;
                    case TranscriptFailed f:
                        Errors++;
                        ClearLine();
                        await console.Error.WriteLineAsync($"utterance {f.ItemId} failed: {f.Code} {f.Message}").ConfigureAwait(false);
                        break;
                    case ServerError err when err.Code != "input_audio_buffer_commit_empty":
                        Errors++;
                        ClearLine();
                        await console.Error.WriteLineAsync($"error {err.Code}: {err.Message}").ConfigureAwait(false);
                        break;
                }
            }
        }

        private void ClearLine()
        {
            if (_lineLength > 0)
            {
                console.Out.Write("\r" + new string(' ', Math.Min(_lineLength, 400)) + "\r");
                _lineLength = 0;
            }
        }

        private static string Json(string itemId, string text) => JsonText.Write(
            w =>
            {
                w.WriteStartObject();
                w.WriteString("item", itemId);
                w.WriteString("text", text.Trim());
                w.WriteEndObject();
            },
            indented: false);
    }
}
