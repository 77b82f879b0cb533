// RealtimeDictation: streams a WAV to a realtime transcription session at real-time pace and prints deltas and
// final transcripts as they arrive. Push-to-talk by default (one commit per utterance); with --turns client the
// microphone stays open and the SDK decides where each utterance ends (no commits at all). The session reconnects
// when the connection drops and replays the audio of every utterance still waiting for its transcript; --drop-after N
// makes the offline server drop the connection after N seconds of audio to show it.
//   dotnet run --project samples/RealtimeDictation [-- --dialect openai|native] [--wav file.wav] [--fast]
//                                                  [--turns client] [--drop-after 1.5] [--mic [--seconds 10]]
// --mic dictates live from the microphone (AudioSdk.Devices: PulseAudio on Linux) with the SDK's own turn detection,
// for --seconds or until Ctrl+C; where no microphone opens it says so in one line and streams the WAV or tones instead.
// With no file it generates three 48 kHz stereo utterances (the SDK resamples them). With no
// AUDIO_API_BASE_URL it talks to the in-process test server, so it runs offline; set AUDIO_API_BASE_URL,
// AUDIO_API_KEY and AUDIO_REALTIME_MODEL for a real service (Tinfoil: https://inference.tinfoil.sh/v1).
using AudioSdk;
using AudioSdk.Audio;
using AudioSdk.Devices;
using AudioSdk.Realtime;
using AudioSdk.Testing;

var dialect = Argument("--dialect") == "native" ? RealtimeDialect.VllmNative : RealtimeDialect.OpenAITranscription;
var wavPath = Argument("--wav");
var paced = !args.Contains("--fast");
var clientTurns = Argument("--turns") == "client";
var dropAfter = Argument("--drop-after") is { } drop ? double.Parse(drop, System.Globalization.CultureInfo.InvariantCulture) : (double?)null;
var baseUrl = Environment.GetEnvironmentVariable("AUDIO_API_BASE_URL");
var model = Environment.GetEnvironmentVariable("AUDIO_REALTIME_MODEL") ?? (dialect == RealtimeDialect.VllmNative ? "voxtral-mini-4b-realtime" : "gpt-4o-transcribe");

await using var server = string.IsNullOrEmpty(baseUrl) ? await AudioTestServer.StartAsync() : null;
using var client = new AudioClient(new AudioClientOptions
{
    Endpoint = server?.Endpoint ?? new Uri(baseUrl!),
    ApiKey = Environment.GetEnvironmentVariable("AUDIO_API_KEY"),
});
Console.WriteLine($"{dialect} session with {model} at {client.Endpoint}{(server is null ? string.Empty : " (in-process test server)")}");

// The microphone (--mic), or else utterances as mono samples at their own rate: from the file (one utterance), or generated.
using var mic = args.Contains("--mic") ? OpenMicrophone() : null;
var (rate, utterances) = mic is not null ? (mic.WaveFormat.SampleRate, new List<short[]>()) : wavPath is null ? Generate() : Load(wavPath);
await using var session = await client.StartRealtimeSessionAsync(new RealtimeSessionOptions
{
    Dialect = dialect,
    Model = model,
    InputSampleRate = rate,
    RealTimePacing = paced,
    TurnDetection = clientTurns || mic is not null ? RealtimeTurnDetection.OnClient : null,
    Reconnect = new RealtimeReconnectOptions(),
});
var pending = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
var sendingDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

var printer = Task.Run(async () =>
{
    await foreach (var e in session.ReadEventsAsync())
    {
        switch (e)
        {
            case SessionCreated c: Console.WriteLine($"[session {c.SessionId ?? "(no id)"}]"); break;
            case TranscriptDelta d: Console.Write(d.Delta); break;
            case SpeechStarted s when s.IsSynthesized: Console.WriteLine($"[speech from {s.AudioStartMs} ms]"); break;
            case Committed c: pending[c.ItemId] = true; break;
            case TranscriptCompleted t:
                Console.WriteLine($"\n[{t.ItemId}] {t.Transcript.Trim()}{(t.Usage is { } u ? $" ({u.TotalTokens} tokens)" : string.Empty)}");
                if (t.ItemId is { } done && pending.TryRemove(done, out _) && pending.IsEmpty && sendingDone.Task.IsCompleted)
                {
                    allDone.TrySetResult();
                }

                break;
            case Reconnecting r: Console.WriteLine($"\n[connection lost: {r.Reason}; reconnecting, attempt {r.Attempt}]"); break;
            case Reconnected r: Console.WriteLine($"[reconnected: {r.AudioReplayed.TotalSeconds:0.0} s of audio in {r.UtterancesReplayed} utterance(s) sent again]"); break;
            case ServerError err: Console.WriteLine($"\n[error {err.Code}] {err.Message}"); break;
            case Closed closed: Console.WriteLine($"[closed {closed.CloseStatus}]"); break;
        }
    }
});

var sent = 0.0;
if (mic is not null)
{
    // Live: the SDK converts the device's blocks to the wire format and finds where each utterance ends.
    var seconds = Argument("--seconds") is { } limit ? double.Parse(limit, System.Globalization.CultureInfo.InvariantCulture) : 10;
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    Console.WriteLine($"[microphone] listening for {seconds:0.#} s (Ctrl+C ends sooner)");
    try
    {
        await session.CaptureAsync(mic, stop.Token);
    }
    catch (OperationCanceledException) when (stop.IsCancellationRequested)
    {
    }

    sendingDone.TrySetResult();
    if (!pending.IsEmpty)
    {
        await Task.WhenAny(allDone.Task, Task.Delay(TimeSpan.FromSeconds(30)));
    }
}
else if (clientTurns)
{
    // An open microphone: the utterances with pauses between them, then a pause; no commits.
    var pause = new short[rate * 6 / 5];
    foreach (var utterance in utterances)
    {
        await SendAsync(pause);
        await SendAsync(utterance);
    }

    await SendAsync(pause);
    sendingDone.TrySetResult();
    if (!pending.IsEmpty)
    {
        await allDone.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }
}
else
{
    foreach (var utterance in utterances)
    {
        await SendAsync(utterance);
        var committed = await session.CommitAsync();
        await session.WaitForTranscriptAsync(committed.ItemId);
    }
}

await session.DisposeAsync();
await printer;
return 0;

// Sends 100 ms at a time, like a microphone; the offline server is told to drop the connection once, at --drop-after.
async Task SendAsync(short[] samples)
{
    var block = rate / 10;
    for (var offset = 0; offset < samples.Length; offset += block)
    {
        var count = Math.Min(block, samples.Length - offset);
        if (dropAfter is { } at && server is not null && sent < at && sent + ((double)count / rate) >= at)
        {
            server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", DropConnection = true });
        }

        sent += (double)count / rate;
        await session.SendAudioAsync(Pcm16.ToBytes(samples.AsSpan(offset, count)));
    }
}

string? Argument(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

// The default microphone at 16 kHz in 20 ms blocks, or null (and one line) where none opens.
static PulseAudioCapture? OpenMicrophone()
{
    try
    {
        return new PulseAudioCapture(16000, TimeSpan.FromMilliseconds(20));
    }
    catch (AudioDeviceException ex)
    {
        Console.WriteLine($"{ex.Message} Streaming the {(Array.IndexOf(Environment.GetCommandLineArgs(), "--wav") >= 0 ? "--wav file" : "generated utterances")} instead.");
        return null;
    }
}

static (int Rate, List<short[]> Utterances) Load(string path)
{
    var audio = WavFile.Read(File.ReadAllBytes(path));
    return (audio.Format.SampleRate, [audio.ToPcm16Mono()]);
}

// Three 48 kHz stereo "utterances" (tones of different pitch and length), downmixed to mono here; the SDK resamples to the wire rate.
static (int Rate, List<short[]> Utterances) Generate()
{
    const int rate = 48000;
    var list = new List<short[]>();
    foreach (var (seconds, frequency) in new[] { (1.2, 220.0), (0.8, 440.0), (1.5, 330.0) })
    {
        var stereo = new float[(int)(seconds * rate) * 2];
        for (var i = 0; i < stereo.Length / 2; i++)
        {
            stereo[2 * i] = stereo[(2 * i) + 1] = (float)(0.3 * Math.Sin(2 * Math.PI * frequency * i / rate));
        }

        list.Add(new WavAudio(new WavFormat(WavEncoding.Pcm, rate, 2, 16), stereo).ToPcm16Mono());
    }

    return (rate, list);
}
