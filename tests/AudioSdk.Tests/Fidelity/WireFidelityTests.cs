using System.Net.Http.Headers;
using AudioSdk.Speech;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;

namespace AudioSdk.Tests.Fidelity;

public sealed class WireFidelityTests : ServerTest
{
    private static readonly TranscriptionOptions Json = new() { Model = "whisper-1" };

    [Fact]
    public async Task AcceptHeaders_SayWhatEachOperationReads()
    {
        var audio = TestAudio.SineWav(0.3);
        await Client.TranscribeAsync(AudioInput.FromBytes(audio), Json);
        await Client.TranscribeToTextAsync(AudioInput.FromBytes(audio), Json with { ResponseFormat = TranscriptionFormat.Srt });
        await Client.TranslateAsync(AudioInput.FromBytes(audio), new TranslationOptions { Model = "whisper-1" });
        await Client.GenerateSpeechAsync("Hi.", new SpeechOptions { Model = "tts-1", Voice = SpeechVoice.Alloy, ResponseFormat = SpeechFormat.Wav });
        await Client.GenerateSpeechAsync("Hi.", new SpeechOptions { Model = "tts-1", Voice = SpeechVoice.Alloy, StreamFormat = SpeechStreamFormat.Sse });
        await Client.ListModelsAsync();

        var accepts = Server.Requests.Select(r => r.GetHeader("Accept")).ToList();
        Assert.Equal(
            ["application/json", "text/plain, */*", "application/json", "audio/wav, */*", "text/event-stream", "application/json"],
            accepts);
    }

    [Fact]
    public async Task NonAsciiFileName_IsSentAsAnAsciiFallbackWithTheExtensionAndAsRfc5987()
    {
        const string name = "héllo wörld 日本.mp3";
        await Client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.3), name, "audio/mpeg"), Json);

        var received = Server.Requests[0].Audio!;
        Assert.Equal(name, received.FileName);

        // Read back with the BCL's own parser, independently of the server's.
        var disposition = ContentDispositionHeaderValue.Parse(received.ContentDisposition!);
        Assert.Equal("h_llo w_rld __.mp3", disposition.FileName?.Trim('"'));
        Assert.Equal(name, disposition.FileNameStar);
        Assert.Contains("filename*=UTF-8''h%C3%A9llo%20w%C3%B6rld%20%E6%97%A5%E6%9C%AC.mp3", received.ContentDisposition, StringComparison.Ordinal);
        Assert.DoesNotContain("=?utf-8?", received.ContentDisposition, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AsciiFileName_IsSentPlainWithoutFilenameStar()
    {
        await Client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.3), "meeting q3 (final).wav"), Json);

        var received = Server.Requests[0].Audio!;
        Assert.Equal("meeting q3 (final).wav", received.FileName);
        Assert.Contains("filename=\"meeting q3 (final).wav\"", received.ContentDisposition, StringComparison.Ordinal);
        Assert.DoesNotContain("filename*", received.ContentDisposition, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenBytes_ThatAreNotIntegers_DoNotFailTheResponse()
    {
        Server.Enqueue(new ScriptedResponse
        {
            Status = 200,
            Body = """{"text":"hi","logprobs":[{"token":"hi","logprob":-0.1,"bytes":[104.0,1.5,"x",null,105,300,-1]},{"token":"!","logprob":-2,"bytes":null}]}""",
        });

        var t = await Client.TranscribeAsync(AudioInput.FromBytes(TestAudio.SineWav(0.3)), Json with { IncludeLogProbabilities = true });

        Assert.Equal("hi", t.Text);
        Assert.Equal([104, 105], t.LogProbabilities[0].Bytes);
        Assert.Empty(t.LogProbabilities[1].Bytes);
        Assert.Equal(-2, t.LogProbabilities[1].LogProbability);
    }
}
