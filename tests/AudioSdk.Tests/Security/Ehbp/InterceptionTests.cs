using System.Security.Cryptography.X509Certificates;
using System.Text;
using AudioSdk.Security;
using AudioSdk.Speech;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;

namespace AudioSdk.Tests.Security.Ehbp;

/// <summary>
/// Through a TLS-inspecting proxy whose CA the machine trusts: EHBP works and the proxy reads no audio and no
/// transcript; TLS pinning refuses every operation before a byte of application data reaches the origin.
/// </summary>
public sealed class InterceptionTests(Xunit.Abstractions.ITestOutputHelper output) : InterceptedOrigin(Key)
{
    private const string Key = "sk-visible-to-the-proxy";
    private const string AudioMarker = "AUDIO-MARKER-31337";
    private const string SpeechMarker = "SPEECH-INPUT-MARKER";

    private static byte[] MarkedWav()
    {
        var wav = TestAudio.SineWav(0.5);
        Encoding.ASCII.GetBytes(AudioMarker).CopyTo(wav, 2000);
        return wav;
    }

    [Fact]
    public async Task Ehbp_EveryOperationSucceeds_AndTheProxySeesNoAudioNorTranscript()
    {
        using var client = new AudioClient(new AudioClientOptions
        {
            Endpoint = Origin.Endpoint,
            ApiKey = Key,
            Retry = AudioClientRetryOptions.None,
            Attestor = new StaticPinAttestor([TlsPin.Compute(Certificate)], Origin.HpkePublicKey),
            ConfigurePinnedHandler = h =>
            {
                ThroughProxy(h);
                h.SslOptions.RemoteCertificateValidationCallback = Proxy.TrustsProxyCa;
            },
        });
        var transcripts = new List<string>();
        var audio = new List<byte[]>();

        transcripts.Add((await client.TranscribeAsync(AudioInput.FromBytes(MarkedWav(), "a.wav"), new TranscriptionOptions { Model = "whisper-1" })).Text);
        transcripts.Add((await client.TranscribeToTextAsync(AudioInput.FromBytes(MarkedWav(), "a.wav"), new TranscriptionOptions { Model = "whisper-1", ResponseFormat = TranscriptionFormat.Text })).Text);
        transcripts.Add((await client.TranslateAsync(AudioInput.FromBytes(MarkedWav(), "a.wav"), new TranslationOptions { Model = "whisper-1" })).Text);
        await foreach (var update in client.TranscribeStreamingAsync(AudioInput.FromBytes(MarkedWav(), "a.wav"), new TranscriptionOptions { Model = "gpt-4o-transcribe" }))
        {
            if (update.Text is { } text)
            {
                transcripts.Add(text);
            }
        }

        audio.Add((await client.GenerateSpeechAsync(SpeechMarker, new SpeechOptions { Model = "tts-1", Voice = "alloy", ResponseFormat = SpeechFormat.Wav })).Audio.ToArray());
        var streamed = new MemoryStream();
        await foreach (var chunk in client.StreamSpeechAsync(SpeechMarker, new SpeechOptions { Model = "gpt-4o-mini-tts", Voice = "alloy", ResponseFormat = SpeechFormat.Pcm, StreamFormat = SpeechStreamFormat.Sse }))
        {
            streamed.Write(chunk.Span);
        }

        audio.Add(streamed.ToArray());
        Assert.NotEmpty(await client.ListModelsAsync());

        var up = Proxy.ClientToOrigin;
        var down = Proxy.OriginToClient;
        output.WriteLine($"proxy captured {up.Length} bytes client->origin and {down.Length} bytes origin->client in {Proxy.Tunnels} tunnel(s)");
        Assert.True(Proxy.Tunnels >= 1);
        Assert.True(up.Length > 4 * MarkedWav().Length, "the uploads went through the proxy");
        Assert.All(transcripts, t => Assert.False(string.IsNullOrWhiteSpace(t)));
        Assert.True(up.AsSpan().IndexOf(Encoding.ASCII.GetBytes(AudioMarker)) < 0, "audio marker visible to the proxy");
        Assert.True(up.AsSpan().IndexOf(Encoding.ASCII.GetBytes(SpeechMarker)) < 0, "speech input visible to the proxy");
        foreach (var transcript in transcripts.Distinct())
        {
            Assert.True(down.AsSpan().IndexOf(Encoding.UTF8.GetBytes(transcript[..Math.Min(24, transcript.Length)])) < 0, $"transcript '{transcript}' visible to the proxy");
        }

        foreach (var clip in audio)
        {
            for (var at = 100; at + 32 <= clip.Length; at += Math.Max(32, clip.Length / 16))
            {
                Assert.True(down.AsSpan().IndexOf(clip.AsSpan(at, 32)) < 0, $"speech audio at {at} visible to the proxy");
            }
        }

        // The honest limits: headers (the key among them) and bodyless answers are readable by such a proxy.
        Assert.True(up.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Key)) >= 0);
        Assert.True(down.AsSpan().IndexOf("whisper-1"u8) >= 0);
    }

    public static TheoryData<string> Operations => ["transcription", "streaming", "translation", "speech", "speech-stream", "models"];

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task TlsPinning_RefusesEveryOperation_AndNoApplicationByteReachesTheOrigin(string operation)
    {
        using var client = new AudioClient(new AudioClientOptions
        {
            Endpoint = Origin.Endpoint,
            ApiKey = Key,
            Retry = AudioClientRetryOptions.None,
            Attestor = new StaticPinAttestor([TlsPin.Compute(Certificate)], Origin.HpkePublicKey),
            AttestedTransport = AttestedTransport.TlsPinning,
            DangerousAllowSelfSignedLoopbackCertificatesForTesting = true, // so the refusal below is the pin's, not the chain's
            ConfigurePinnedHandler = h =>
            {
                ThroughProxy(h);
            },
        });

        var ex = await Assert.ThrowsAsync<TlsPinMismatchException>(async () =>
        {
            switch (operation)
            {
                case "transcription": await client.TranscribeAsync(AudioInput.FromBytes(MarkedWav(), "a.wav"), new TranscriptionOptions { Model = "whisper-1" }); break;
                case "streaming": await foreach (var _ in client.TranscribeStreamingAsync(AudioInput.FromBytes(MarkedWav(), "a.wav"), new TranscriptionOptions { Model = "gpt-4o-transcribe" })) { } break;
                case "translation": await client.TranslateAsync(AudioInput.FromBytes(MarkedWav(), "a.wav"), new TranslationOptions { Model = "whisper-1" }); break;
                case "speech": await client.GenerateSpeechAsync(SpeechMarker, new SpeechOptions { Model = "tts-1", Voice = "alloy" }); break;
                case "speech-stream": await foreach (var _ in client.StreamSpeechAsync(SpeechMarker, new SpeechOptions { Model = "tts-1", Voice = "alloy" })) { } break;
                default: await client.ListModelsAsync(); break;
            }
        });

        output.WriteLine($"{operation}: origin received {Origin.ApplicationBytesReceived} application bytes; proxy captured {Proxy.ClientToOrigin.Length} plaintext bytes");
        Assert.Equal(0, Origin.ApplicationBytesReceived);
        Assert.Empty(Origin.Requests);
        Assert.Empty(Proxy.ClientToOrigin);
        Assert.Equal(TlsPin.Compute(Certificate).ToString(), Assert.Single(ex.ExpectedPins));
    }
}
