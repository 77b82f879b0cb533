// LongRecording: transcribes a recording longer than any upload limit and writes an .srt file.
//   dotnet run --project samples/LongRecording [-- path/to/recording.wav|.mp3 [minutes-per-chunk]]
// With no file it generates a 30-minute WAV of tone bursts and silences. With no AUDIO_API_BASE_URL it
// talks to the in-process test server, so it runs offline; set AUDIO_API_BASE_URL and AUDIO_API_KEY
// (and AUDIO_STT_MODEL) for a real service.
using System.Globalization;
using AudioSdk;
using AudioSdk.Audio;
using AudioSdk.LongForm;
using AudioSdk.Testing;
using AudioSdk.Transcriptions;

var path = args.Length > 0 ? args[0] : GenerateRecording(TimeSpan.FromMinutes(30));
var minutes = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var baseUrl = Environment.GetEnvironmentVariable("AUDIO_API_BASE_URL");
await using var server = string.IsNullOrEmpty(baseUrl) ? await AudioTestServer.StartAsync() : null;
using var client = new AudioClient(new AudioClientOptions
{
    Endpoint = server?.Endpoint ?? new Uri(baseUrl!),
    ApiKey = Environment.GetEnvironmentVariable("AUDIO_API_KEY"),
});

// A synchronous IProgress: reports print in the order the chunks complete (Progress<T> would post them to the thread pool).
var progress = new ConsoleProgress();

Console.WriteLine($"Transcribing {path} ({new FileInfo(path).Length / 1048576.0:0.0} MiB) in chunks of at most {minutes} minutes");
try
{
    var transcript = await client.TranscribeLongAsync(
        AudioInput.FromFile(path),
        new TranscriptionOptions { Model = Environment.GetEnvironmentVariable("AUDIO_STT_MODEL") ?? "whisper-1", ResponseFormat = TranscriptionFormat.VerboseJson },
        new LongFormOptions { MaxChunkDuration = TimeSpan.FromMinutes(minutes), Progress = progress });

    var srt = Path.ChangeExtension(path, ".srt");
    await File.WriteAllTextAsync(srt, transcript.ToSrt());
    Console.WriteLine($"{transcript.Segments.Count} segments over {transcript.Duration:hh\\:mm\\:ss\\.fff}; first: {transcript.Segments.FirstOrDefault()?.Text.Trim()}");
    Console.WriteLine($"Wrote {srt}");
}
catch (LongFormChunkException e)
{
    Console.WriteLine($"{e.Message}\n{e.CompletedChunks.Count} chunks succeeded; partial transcript: {e.PartialTranscription?.Text.Length ?? 0} characters");
    return 1;
}
finally
{
    if (args.Length == 0)
    {
        File.Delete(path);
    }
}

return 0;

// A 16 kHz mono WAV of 0.5 to 3 second tones separated by silences, written a minute at a time.
static string GenerateRecording(TimeSpan duration)
{
    const int rate = 16000;
    var path = Path.Combine(Path.GetTempPath(), $"long-recording-{Environment.ProcessId}.wav");
    var random = new Random(42);
    var frames = (long)(duration.TotalSeconds * rate);
    using var file = File.Create(path);
    var header = new byte[44];
    WavFile.WriteHeader(header, WavFormat.Pcm16Mono(rate), frames * 2);
    file.Write(header);
    long nextStart = rate / 2, burstEnd = 0;
    double frequency = 0;
    var minute = new float[60 * rate];
    for (long at = 0; at < frames; at += minute.Length)
    {
        var count = (int)Math.Min(minute.Length, frames - at);
        for (var i = 0; i < count; i++)
        {
            var n = at + i;
            if (n == nextStart)
            {
                burstEnd = n + (long)((0.5 + (random.NextDouble() * 2.5)) * rate);
                nextStart = burstEnd + (long)((0.6 + (random.NextDouble() * 1.5)) * rate);
                frequency = 150 + (50 * random.Next(0, 8));
            }

            minute[i] = n < burstEnd ? (float)(0.3 * Math.Sin(2 * Math.PI * frequency * n / rate)) : 0f;
        }

        var pcm = new short[count];
        Pcm16.FromFloat(minute.AsSpan(0, count), pcm);
        file.Write(Pcm16.ToBytes(pcm));
    }

    return path;
}

/// <summary>Prints each report as it is made, under a lock, so lines never interleave or arrive out of order.</summary>
internal sealed class ConsoleProgress : IProgress<LongFormProgress>
{
    private readonly object _gate = new();

    public void Report(LongFormProgress value)
    {
        lock (_gate)
        {
            Console.WriteLine($"  chunk {value.ChunksCompleted}/{value.ChunkCount}: {value.AudioCompleted:hh\\:mm\\:ss} of {value.AudioTotal:hh\\:mm\\:ss}");
        }
    }
}
