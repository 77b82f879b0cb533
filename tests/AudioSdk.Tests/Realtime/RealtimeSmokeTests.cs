using AudioSdk.Realtime;
using AudioSdk.Testing;

namespace AudioSdk.Tests.Realtime;

public sealed class RealtimeSmokeTests : RealtimeTestBase
{
    [Fact]
    public async Task OpenAI_PushToTalk_ReturnsTheTranscriptOfTheAudio()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI());
        var t = await rt.TranscribeUtteranceAsync(Tone(1.0));
        Assert.Equal("Heard 1.00 seconds at 440 Hz.", t.Transcript);
        Assert.Equal(24000, Connection().SampleRate);
    }

    [Fact]
    public async Task Native_PushToTalk_ReturnsTheTranscriptOfTheAudio()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(Native());
        var t = await rt.TranscribeUtteranceAsync(Tone(1.0));
        Assert.Equal(" Heard 1.00 seconds at 440 Hz.", t.Transcript);
    }
}
