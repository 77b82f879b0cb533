// RealtimeDictation: streams a WAV to a realtime transcription session at real-time pace, one utterance
// at a time (push-to-talk), and prints deltas and final transcripts as they arrive.
//   dotnet run --project samples/RealtimeDictation [-- --dialect openai|native] [--wav file.wav] [--fast]
// With no file it generates three 48 kHz stereo utterances (the SDK resamples them). With no
// AUDIO_API_BASE_URL it talks to the in-process test server, so it runs offline; set AUDIO_API_BASE_URL,
// AUDIO_API_KEY and AUDIO_REALTIME_MODEL for a real service (Tinfoil: https://inference.tinfoil.sh/v1).
using AudioSdk;
using AudioSdk.Audio;
using AudioSdk.Realtime;
using AudioSdk.Testing;

var dialect = Argument("--dialect") == "native" ? RealtimeDialect.VllmNative : RealtimeDialect.OpenAITranscription;
var wavPath = Argument("--wav");
var paced = !args.Contains("--fast");
var baseUrl = Environment.GetEnvironmentVariable("AUDIO_API_BASE_URL");
var model = Environment.GetEnvironmentVariable("AUDIO_REALTIME_MODEL") ?? (dialect == RealtimeDialect.VllmNative ? "voxtral-mini-4b-realtime" : "gpt-4o-transcribe");

await using var server = string.IsNullOrEmpty(baseUrl) ? await AudioTestServer.StartAsync() : null;
using var client = new AudioClient(new AudioClientOptions
{
    Endpoint = server?.Endpoint ?? new Uri(baseUrl!),
    ApiKey = Environment.GetEnvironmentVariable("AUDIO_API_KEY"),
});
Console.WriteLine($"{dialect} session with {model} at {client.Endpoint}{(server is null ? string.Empty : " (in-process test server)")}");

// Utterances as mono samples at their own rate: from the file (one utterance), or generated.
var (rate, utterances) = wavPath is null ? Generate() : Load(wavPath);
await using var session = await client.StartRealtimeSessionAsync(new RealtimeSessionOptions
{
    Dialect = dialect,
    Model = model,
    InputSampleRate = rate,
    RealTimePacing = paced,
});

var printer = Task.Run(async () =>
{
    await foreach (var e in session.ReadEventsAsync())
    {
        switch (e)
        {
            case SessionCreated c: Console.WriteLine($"[session {c.SessionId ?? "(no id)"}]"); break;
            case TranscriptDelta d: Console.Write(d.Delta); break;
            case TranscriptCompleted t: Console.WriteLine($"\n[{t.ItemId}] {t.Transcript.Trim()}{(t.Usage is { } u ? $" ({u.TotalTokens} tokens)" : string.Empty)}"); break;
            case ErrorEvent err: Console.WriteLine($"\n[error {err.Code}] {err.Message}"); break;
            case Closed closed: Console.WriteLine($"[closed {closed.CloseStatus}]"); break;
        }
    }
});

foreach (var utterance in utterances)
{
    await session.SendAudioAsync(Pcm16.ToBytes(utterance));
    var committed = await session.CommitAsync();
    await session.WaitForTranscriptAsync(committed.ItemId);
}

await session.DisposeAsync();
await printer;
return 0;

string? Argument(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

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
