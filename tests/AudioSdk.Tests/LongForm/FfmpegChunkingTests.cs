using System.Diagnostics;
using AudioSdk.Audio;
using AudioSdk.LongForm;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.LongForm;

/// <summary>Recordings that only ffmpeg can split; each test passes without doing anything where ffmpeg is not installed.</summary>
public sealed class FfmpegChunkingTests : ServerTest
{
    private static readonly TranscriptionOptions Verbose = new() { Model = "whisper-1", ResponseFormat = TranscriptionFormat.VerboseJson };

    /// <summary>The temporary files the splitter makes: "audiosdk-" and 32 hex digits.</summary>
    private static string[] SplitterTempFiles(string extension) =>
        Directory.GetFiles(Path.GetTempPath(), "audiosdk-" + new string('?', 32) + extension);

    /// <summary>A 440 Hz tone of <paramref name="seconds"/> at 16 kHz, encoded by ffmpeg with the given codec.</summary>
    private static async Task<string> EncodeAsync(Ffmpeg ffmpeg, int seconds, string extension, string codec)
    {
        var output = Path.Combine(Path.GetTempPath(), "ffmpeg-test-" + Guid.NewGuid().ToString("N") + extension);
        var source = $"sine=frequency=440:sample_rate=16000:duration={seconds}";
        using var process = Process.Start(new ProcessStartInfo(ffmpeg.ExecutablePath, ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", source, "-c:a", codec, output]) { RedirectStandardError = true })!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, errors);
        return output;
    }

    [Fact]
    public async Task ANonSeekableStreamOfAnotherFormat_IsSpooledConvertedAndSplit_LeavingNoTemporaryFile()
    {
        if (Ffmpeg.TryFind() is not { } ffmpeg)
        {
            return;
        }

        var flac = await EncodeAsync(ffmpeg, 12, ".flac", "flac");
        try
        {
            var spooledBefore = SplitterTempFiles(".flac");
            var convertedBefore = SplitterTempFiles(".wav");
            await using var file = File.OpenRead(flac);
            using var once = new ForwardOnlyStream(file);

            var t = await Client.TranscribeLongAsync(AudioInput.FromStream(once, "call.flac"), Verbose, new LongFormOptions { MaxChunkBytes = 64 * 1024, BoundarySearchWindow = TimeSpan.Zero, MaxParallelism = 1 });

            // 12 s at 16 kHz mono 16-bit is 384,000 bytes: six chunks under 64 KiB.
            Assert.True(new FileInfo(flac).Length > 64 * 1024);
            Assert.Equal(6, Server.Requests.Count);
            Assert.All(Server.Requests, r => Assert.Equal(16000, r.Audio!.SampleRate));
            Assert.All(Server.Requests, r => Assert.InRange(r.Audio!.Length, 44, 64 * 1024));
            Assert.Equal("call.part001.wav", Server.Requests[0].Audio!.FileName);
            Assert.Equal(12, t.Duration!.Value.TotalSeconds, 1);
            Assert.Empty(SplitterTempFiles(".flac").Except(spooledBefore));
            Assert.Empty(SplitterTempFiles(".wav").Except(convertedBefore));
        }
        finally
        {
            File.Delete(flac);
        }
    }

    [Fact]
    public async Task AWavTheSplitterCannotRead_IsConvertedByFfmpeg_WhenItIsTooLargeToSendWhole()
    {
        if (Ffmpeg.TryFind() is not { } ffmpeg)
        {
            return;
        }

        // 12-bit-per-sample IMA ADPCM: a WAV, but not one the native splitter decodes.
        var adpcm = await EncodeAsync(ffmpeg, 12, ".wav", "adpcm_ima_wav");
        try
        {
            Assert.ThrowsAny<FormatException>(() => WavFile.ReadHeader(File.ReadAllBytes(adpcm)));

            var t = await Client.TranscribeLongAsync(AudioInput.FromFile(adpcm), Verbose, new LongFormOptions { MaxChunkBytes = 64 * 1024, BoundarySearchWindow = TimeSpan.Zero, MaxParallelism = 1 });

            Assert.True(new FileInfo(adpcm).Length > 64 * 1024);
            Assert.Equal(6, Server.Requests.Count);
            Assert.All(Server.Requests, r => Assert.Equal("wav", r.Audio!.Format));
            Assert.All(Server.Requests, r => Assert.Equal(16000, r.Audio!.SampleRate));
            Assert.InRange(t.Duration!.Value.TotalSeconds, 11.9, 12.2); // the ADPCM blocks pad the end
        }
        finally
        {
            File.Delete(adpcm);
        }
    }
}
