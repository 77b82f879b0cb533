using System.Runtime.CompilerServices;
using AudioSdk.Extensions.AI;
using AudioSdk.Speech;
using AudioSdk.Testing;
using TranscriptionOptions = AudioSdk.Transcriptions.TranscriptionOptions;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.AI;

namespace AudioSdk.Benchmarks;

/// <summary>
/// Time from the end of the user's speech to the first audio byte of the answer, on loopback against the test server,
/// with a chat client that streams a 5-sentence answer at 20 tokens per second: the composed VoiceAgent (speech starts
/// after the first sentence) beside the sequential way (transcribe, wait for the whole answer, synthesize it whole).
/// Each measured operation is one turn; the mean is the time to first audio.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class VoiceAgentBenchmarks
{
    private const string Answer = "Sure, the quarterly review is on Tuesday at two in the afternoon. " +
        "I have booked the large meeting room on the third floor for it. " +
        "Maria and the finance team have accepted the invitation already. " +
        "The draft report will be shared with everyone by Monday evening. " +
        "Let me know if you would like me to add anyone else to the list.";

    private static readonly SpeechOptions Speech = new() { Model = "gpt-4o-mini-tts", Voice = SpeechVoice.Alloy, ResponseFormat = SpeechFormat.Pcm };
    private AudioTestServer _server = null!;
    private AudioClient _client = null!;
    private byte[] _wav = [];

    [GlobalSetup]
    public async Task Setup()
    {
        _server = await AudioTestServer.StartAsync();
        _client = new AudioClient(new AudioClientOptions { Endpoint = _server.Endpoint, ApiKey = "sk-bench" });
        var samples = new float[16000];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)(0.3 * Math.Sin(2 * Math.PI * 440 * i / 16000));
        }

        _wav = AudioSdk.Audio.WavFile.Write(samples, new AudioSdk.Audio.WavFormat(AudioSdk.Audio.WavEncoding.Pcm, 16000, 1, 16));
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    /// <summary>The composed agent: the first chunk of the first sentence's speech.</summary>
    [Benchmark]
    public async Task<int> Composed_TimeToFirstAudio()
    {
        var agent = new VoiceAgent(_client, new PacedChat(), new VoiceAgentOptions { Speech = Speech });
        using var stop = new CancellationTokenSource();
        try
        {
            await foreach (var chunk in agent.RespondAsync(AudioInput.FromBytes(_wav, "turn.wav"), stop.Token))
            {
                stop.Cancel();
                return chunk.Audio.Length;
            }
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }

    /// <summary>The sequential way: transcription, the whole answer, then the whole answer's speech.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> Sequential_TimeToFirstAudio()
    {
        var heard = await _client.TranscribeToTextAsync(AudioInput.FromBytes(_wav, "turn.wav"), new TranscriptionOptions { Model = "gpt-4o-mini-transcribe" });
        var answer = await new PacedChat().GetResponseAsync([new ChatMessage(ChatRole.User, heard.Text)]);
        var speech = await _client.GenerateSpeechAsync(answer.Text, Speech);
        return speech.Audio.Length;
    }

    /// <summary>Streams the answer word by word, 50 ms per token.</summary>
    private sealed class PacedChat : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var text = new System.Text.StringBuilder();
            await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken))
            {
                text.Append(update.Text);
            }

            return new ChatResponse(new ChatMessage(ChatRole.Assistant, text.ToString()));
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var word in Answer.Split(' '))
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
}
