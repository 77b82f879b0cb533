using AudioSdk.Audio;
using AudioSdk.Tests.Audio;

namespace AudioSdk.Tests.Realtime;

/// <summary>A WAV with an absurd header is refused by SendWavAsync before any buffer is sized from it, and the session stays usable.</summary>
public sealed class RealtimeWavLimitsTests : RealtimeTestBase
{
    [Theory]
    [InlineData(2_112_000_000, 1)]
    [InlineData(16000, 16_383)]
    public async Task SendWavAsync_WithAnAbsurdHeader_ThrowsWavFormatException_AndSendsNoAudio(int rate, int channels)
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI(inputRate: 16000));
        var absurd = WavFileFuzzTests.Header244(rate, channels);

        var ex = await Assert.ThrowsAsync<WavFormatException>(() => rt.SendWavAsync(new MemoryStream(absurd)));

        Assert.Contains(channels > WavFile.MaxChannels ? "channels" : "sample rate", ex.Message);
        Assert.DoesNotContain(Connection().ClientMessages, m => m.Contains("input_audio_buffer.append", StringComparison.Ordinal));
        await rt.SendWavAsync(new MemoryStream(WavFile.Write(Pcm16.FromBytes(Tone(0.5)), 16000)));
        var t = await rt.WaitForTranscriptAsync((await rt.CommitAsync()).ItemId);
        Assert.Equal("Heard 0.50 seconds at 440 Hz.", t.Transcript);
    }
}
