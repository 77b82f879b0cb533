// VoiceAgent: a spoken question in, a spoken answer out, two ways.
//   composed (default): transcribe, stream a chat answer, speak each sentence as soon as it is written (VoiceAgent).
//   --realtime: OpenAI's conversational realtime dialect, push-to-talk (speech in and out over one socket).
//   dotnet run --project samples/VoiceAgent [-- --realtime] [--wav question.wav] [--out answer.wav]
//                                           [--mic [--seconds 4]] [--speaker]
// --mic records the question from the microphone and --speaker plays the answer as it arrives (AudioSdk.Devices:
// PulseAudio on Linux); where no device opens, each says so in one line and the sample uses the file or tone instead.
// With no AUDIO_API_BASE_URL it talks to the in-process test server, so it runs offline; set AUDIO_API_BASE_URL and
// AUDIO_API_KEY (and AUDIO_REALTIME_MODEL for --realtime) for a real service. The composed path's chat model here is a
// scripted IChatClient that streams at 20 tokens per second; give VoiceAgent any Microsoft.Extensions.AI IChatClient
// (OpenAI, Azure OpenAI, Ollama, ...) to use a real one.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using AudioSdk;
using AudioSdk.Audio;
using AudioSdk.Devices;
using AudioSdk.Extensions.AI;
using AudioSdk.Realtime;
using RealtimeSessionOptions = AudioSdk.Realtime.RealtimeSessionOptions;
using AudioSdk.Speech;
using AudioSdk.Testing;
using Microsoft.Extensions.AI;

var realtime = args.Contains("--realtime");
var wavPath = Argument("--wav");
var outPath = Argument("--out") ?? Path.Combine(Path.GetTempPath(), "voice-agent-answer.wav");
var baseUrl = Environment.GetEnvironmentVariable("AUDIO_API_BASE_URL");
await using var server = string.IsNullOrEmpty(baseUrl) ? await AudioTestServer.StartAsync() : null;
using var client = new AudioClient(new AudioClientOptions
{
    Endpoint = server?.Endpoint ?? new Uri(baseUrl!),
    ApiKey = Environment.GetEnvironmentVariable("AUDIO_API_KEY"),
});

// The question: from the microphone (--mic), a WAV from disk, or a generated one-second "utterance".
var seconds = Argument("--seconds") is { } s ? double.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : 4.0;
var question = (args.Contains("--mic") ? Record(seconds) : null)
    ?? (wavPath is null ? Tone(1.0, 440) : await File.ReadAllBytesAsync(wavPath));

// The answer: into a WAV, and through the speaker as it arrives (--speaker).
var speaker = args.Contains("--speaker") ? OpenSpeaker() : null;
var playback = new AudioPlayback(24000);
using var played = new ManualResetEventSlim();
if (speaker is not null)
{
    playback.UsePosition(speaker);
    speaker.Init(playback);
    speaker.PlaybackStopped += (_, _) => played.Set();
    speaker.Play();
}

var answer = new MemoryStream();
var clock = Stopwatch.StartNew();
TimeSpan? firstAudio = null;
string transcript;
if (!realtime)
{
    Console.WriteLine($"Composed voice agent at {client.Endpoint}{(server is null ? string.Empty : " (in-process test server)")}");
    var agent = new VoiceAgent(client, new ScriptedChat(), new VoiceAgentOptions
    {
        Speech = new SpeechOptions { Model = "gpt-4o-mini-tts", Voice = SpeechVoice.Alloy, ResponseFormat = SpeechFormat.Pcm },
        Instructions = "You are a concise assistant.",
    });
    clock.Restart();
    var sentences = new List<string>();
    await foreach (var chunk in agent.RespondAsync(AudioInput.FromBytes(question, "question.wav")))
    {
        firstAudio ??= clock.Elapsed;
        answer.Write(chunk.Audio.Span);
        playback.Enqueue(chunk.Audio.Span);
        if (chunk.IsFirstOfSentence)
        {
            sentences.Add(chunk.Sentence);
        }
    }

    Console.WriteLine($"[heard] {agent.LastTranscript}");
    transcript = string.Join(" ", sentences);
}
else
{
    var model = Environment.GetEnvironmentVariable("AUDIO_REALTIME_MODEL") ?? "gpt-realtime";
    Console.WriteLine($"Realtime conversation with {model} at {client.Endpoint}{(server is null ? string.Empty : " (in-process test server)")}");
    await using var session = await client.StartRealtimeSessionAsync(new RealtimeSessionOptions
    {
        Dialect = RealtimeDialect.OpenAIConversation,
        Model = model,
        Conversation = new RealtimeConversationOptions { Instructions = "You are a concise assistant.", Voice = "marin" },
    });
    await session.SendWavAsync(new MemoryStream(question));
    await session.CommitAsync();
    clock.Restart();
    var response = await session.CreateResponseAsync();
    var text = new System.Text.StringBuilder();
    await foreach (var e in session.ReadEventsAsync())
    {
        switch (e)
        {
            case OutputAudioDelta audio:
                firstAudio ??= clock.Elapsed;
                answer.Write(audio.Audio.Span);
                playback.Enqueue(audio);
                break;
            case OutputAudioTranscriptDelta delta:
                text.Append(delta.Delta);
                break;
        }

        if (e is ResponseDone done && done.ResponseId == response.ResponseId)
        {
            break;
        }
    }

    transcript = text.ToString();
}

var samples = Pcm16.FromBytes(answer.ToArray());
var floats = new float[samples.Length];
Pcm16.ToFloat(samples, floats);
await File.WriteAllBytesAsync(outPath, WavFile.Write(floats, new WavFormat(WavEncoding.Pcm, 24000, 1, 16)));
Console.WriteLine($"[answer] {transcript}");
Console.WriteLine($"first audio after {firstAudio?.TotalMilliseconds:0} ms; {samples.Length / 24000.0:0.0} s of answer written to {outPath}");
if (speaker is not null)
{
    playback.Complete();
    played.Wait(TimeSpan.FromSeconds(samples.Length / 24000.0 + 10));
    Console.WriteLine($"[speaker] played {playback.Position.TotalSeconds:0.0} s");
    speaker.Dispose();
}

return firstAudio is null ? 1 : 0;

string? Argument(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

// The question from the default microphone: a WAV of the given length, or null (and one line) where none opens.
static byte[]? Record(double seconds)
{
    try
    {
        using var mic = new PulseAudioCapture(16000);
        var recorded = new MemoryStream();
        using var stopped = new ManualResetEventSlim();
        mic.DataAvailable += (_, e) => recorded.Write(e.Buffer, 0, e.BytesRecorded);
        mic.RecordingStopped += (_, _) => stopped.Set();
        Console.WriteLine($"[microphone] recording {seconds:0.#} s: ask your question");
        mic.StartRecording();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        mic.StopRecording();
        stopped.Wait(TimeSpan.FromSeconds(2));
        return WavFile.Write(Pcm16.FromBytes(recorded.ToArray()), 16000);
    }
    catch (AudioDeviceException ex)
    {
        Console.WriteLine($"{ex.Message} Using the {(Array.IndexOf(Environment.GetCommandLineArgs(), "--wav") >= 0 ? "--wav file" : "generated question")} instead.");
        return null;
    }
}

// The default speaker, or null (and one line) where none opens.
static PulseAudioPlayback? OpenSpeaker()
{
    try
    {
        return new PulseAudioPlayback(24000, TimeSpan.FromMilliseconds(20));
    }
    catch (AudioDeviceException ex)
    {
        Console.WriteLine($"{ex.Message} The answer goes to the WAV file only.");
        return null;
    }
}

static byte[] Tone(double seconds, double frequency)
{
    var samples = new float[(int)(seconds * 16000)];
    for (var i = 0; i < samples.Length; i++)
    {
        samples[i] = (float)(0.3 * Math.Sin(2 * Math.PI * frequency * i / 16000));
    }

    return WavFile.Write(samples, new WavFormat(WavEncoding.Pcm, 16000, 1, 16));
}

/// <summary>A stand-in chat model: answers in three sentences, streamed at 20 tokens per second.</summary>
internal sealed class ScriptedChat : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The voice agent streams.");

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var question = messages.Last().Text;
        var answer = $"You said: {question.Trim()} That came through clearly. What would you like to do next?";
        foreach (var word in answer.Split(' '))
        {
            await Task.Delay(50, cancellationToken);
            yield return new ChatResponseUpdate(ChatRole.Assistant, word + " ");
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
