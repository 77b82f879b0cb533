using AudioSdk.Audio;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Audio;

public sealed class FfmpegTests
{
    [Fact]
    public void Missing_IsAClearError()
    {
        Assert.Null(Ffmpeg.TryFind("/nonexistent/ffmpeg"));
        var ex = Assert.Throws<InvalidOperationException>(() => Ffmpeg.Find("/nonexistent/ffmpeg", "testing"));
        Assert.Contains("ffmpeg is needed for testing", ex.Message);
        Assert.Contains("/nonexistent/ffmpeg", ex.Message);
    }

    /// <summary>With ffmpeg installed (CI installs it): WAV to MP3 and back keeps the duration, and a split makes the segments asked for. Without it, Find says so.</summary>
    [Fact]
    public async Task ConvertAndSplit_WhenInstalled()
    {
        var ffmpeg = Ffmpeg.TryFind();
        if (ffmpeg is null)
        {
            Assert.Throws<InvalidOperationException>(() => Ffmpeg.Find());
            return;
        }

        var dir = Directory.CreateTempSubdirectory("audiosdk-ffmpeg-");
        try
        {
            var wav = Path.Combine(dir.FullName, "in.wav");
            await File.WriteAllBytesAsync(wav, TestAudio.Wav(TestAudio.Bursts(44100, 12, [new(1, 3, 440), new(6, 4, 220)]), 44100));
            var mp3 = Path.Combine(dir.FullName, "out.mp3");
            await ffmpeg.ConvertToMp3Async(wav, mp3, bitrateKbps: 64);
            var info = await Mp3FrameScanner.ScanAsync(File.OpenRead(mp3));
            Assert.Equal(16000, info.SampleRate);
            Assert.InRange(info.Duration.TotalSeconds, 11.9, 12.2);

            var back = Path.Combine(dir.FullName, "back.wav");
            await ffmpeg.ConvertToWavAsync(mp3, back);
            var audio = WavFile.Read(await File.ReadAllBytesAsync(back));
            Assert.Equal(WavFormat.Pcm16Mono(16000), audio.Format);
            Assert.InRange(audio.Duration.TotalSeconds, 11.9, 12.2);

            var parts = await ffmpeg.SplitAsync(wav, Path.Combine(dir.FullName, "parts"), TimeSpan.FromSeconds(5));
            Assert.Equal(3, parts.Count);
            var total = parts.Sum(p => WavFile.Read(File.ReadAllBytes(p)).Duration.TotalSeconds);
            Assert.Equal(12, total, 0.1);

            var broken = Path.Combine(dir.FullName, "broken.wav");
            await File.WriteAllTextAsync(broken, "not audio");
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => ffmpeg.ConvertToWavAsync(broken, Path.Combine(dir.FullName, "x.wav")));
            Assert.Contains("exit code", ex.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
