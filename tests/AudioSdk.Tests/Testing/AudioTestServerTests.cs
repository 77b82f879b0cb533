using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.Testing;

public sealed class AudioTestServerTests : ServerTest
{
    [Fact]
    public async Task WavWithSilences_GetsOneSegmentPerBurst_AtTheRightTimesAndPitch()
    {
        TestAudio.Burst[] bursts = [new(0.5, 1.2, 220), new(2.5, 0.8, 440), new(4.0, 2.0, 330)];
        var wav = TestAudio.Wav(TestAudio.Bursts(16000, 7, bursts), 16000);

        var t = await Client.TranscribeAsync(AudioInput.FromBytes(wav), new TranscriptionOptions { Model = "whisper-1", ResponseFormat = TranscriptionFormat.VerboseJson });

        var found = Server.Requests[0].Audio!.Bursts;
        Assert.Equal(3, found.Count);
        Assert.Equal(3, t.Segments.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(bursts[i].Start, t.Segments[i].Start.TotalSeconds, 0.025);
            Assert.Equal(bursts[i].Start + bursts[i].Duration, t.Segments[i].End.TotalSeconds, 0.025);
            Assert.Equal(bursts[i].Frequency, found[i].FrequencyHz, bursts[i].Frequency * 0.05);
        }

        Assert.StartsWith("Sound of 2", t.Segments[0].Text.Trim());
    }

    [Fact]
    public async Task StereoFloatWav_IsAnalysedToo()
    {
        var mono = TestAudio.Bursts(48000, 3, [new(1, 1, 1000)]);
        var stereo = mono.SelectMany(v => new[] { v, v }).ToArray();
        var wav = AudioSdk.Audio.WavFile.Write(stereo, new AudioSdk.Audio.WavFormat(AudioSdk.Audio.WavEncoding.IeeeFloat, 48000, 2, 32));

        await Client.TranscribeToTextAsync(AudioInput.FromBytes(wav), new TranscriptionOptions { Model = "whisper-1" });

        var burst = Assert.Single(Server.Requests[0].Audio!.Bursts);
        Assert.Equal(1.0, burst.Start.TotalSeconds, 0.025);
        Assert.Equal(1000, burst.FrequencyHz, 50.0);
    }
}
