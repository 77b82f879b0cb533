using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace AudioSdk.Audio;

/// <summary>
/// Optional ffmpeg integration: converts any input to 16 kHz mono WAV or to MP3, and splits files into
/// segments, when an <c>ffmpeg</c> executable is on PATH (or named). Never needed for WAV or PCM input.
/// </summary>
public sealed class Ffmpeg
{
    private Ffmpeg(string path) => ExecutablePath = path;

    /// <summary>The executable used.</summary>
    public string ExecutablePath { get; }

    /// <summary>Finds ffmpeg: the given path, else <c>ffmpeg</c> on PATH.</summary>
    /// <param name="executablePath">An explicit executable, or <see langword="null"/> to search PATH.</param>
    /// <returns>The tool, or <see langword="null"/> when it is not there.</returns>
    public static Ffmpeg? TryFind(string? executablePath = null)
    {
        if (!string.IsNullOrEmpty(executablePath))
        {
            return File.Exists(executablePath) ? new Ffmpeg(executablePath) : null;
        }

        var names = OperatingSystem.IsWindows() ? new[] { "ffmpeg.exe" } : ["ffmpeg"];
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator,
            StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in names)
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return new Ffmpeg(candidate);
                }
            }
        }

        return null;
    }

    /// <summary>Finds ffmpeg or says clearly that it is missing.</summary>
    /// <param name="executablePath">An explicit executable, or <see langword="null"/> to search PATH.</param>
    /// <param name="purpose">What ffmpeg is needed for, for the message.</param>
    /// <exception cref="InvalidOperationException">ffmpeg is not installed.</exception>
    public static Ffmpeg Find(string? executablePath = null, string purpose = "this conversion") =>
        TryFind(executablePath) ?? throw new InvalidOperationException(
            $"ffmpeg is needed for {purpose}, but {(executablePath is null ? "no 'ffmpeg' executable is on PATH" : $"'{executablePath}' does not exist")}. " +
            "Install ffmpeg (for example 'apt-get install ffmpeg'), or give WAV or MP3 input, which needs no ffmpeg.");

    /// <summary>Converts any audio file ffmpeg reads to 16-bit PCM WAV.</summary>
    /// <param name="inputPath">The source file.</param>
    /// <param name="outputPath">The WAV to write (replaced if it exists).</param>
    /// <param name="sampleRate">The output rate. Default 16000.</param>
    /// <param name="channels">The output channel count. Default 1.</param>
    /// <param name="cancellationToken">Cancels the conversion (the process is killed).</param>
    public Task ConvertToWavAsync(string inputPath, string outputPath, int sampleRate = 16000, int channels = 1,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        return RunAsync(["-i", inputPath, "-vn", "-ac", channels.ToString(CultureInfo.InvariantCulture), "-ar",
            sampleRate.ToString(CultureInfo.InvariantCulture), "-c:a", "pcm_s16le", "-f", "wav", outputPath], cancellationToken);
    }

    /// <summary>Converts any audio file ffmpeg reads to MP3 (mono 16 kHz at 64 kbit/s by default, as providers advise for
    /// speech).</summary>
    /// <param name="inputPath">The source file.</param>
    /// <param name="outputPath">The MP3 to write (replaced if it exists).</param>
    /// <param name="bitrateKbps">The bitrate in kbit/s. Default 64.</param>
    /// <param name="sampleRate">The output rate. Default 16000.</param>
    /// <param name="cancellationToken">Cancels the conversion.</param>
    public Task ConvertToMp3Async(string inputPath, string outputPath, int bitrateKbps = 64, int sampleRate = 16000,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bitrateKbps);
        return RunAsync(["-i", inputPath, "-vn", "-ac", "1", "-ar", sampleRate.ToString(CultureInfo.InvariantCulture), "-c:a",
            "libmp3lame", "-b:a", bitrateKbps.ToString(CultureInfo.InvariantCulture) + "k", "-f", "mp3", outputPath], cancellationToken);
    }

    /// <summary>Splits a file into segments of at most the given length, without re-encoding.</summary>
    /// <param name="inputPath">The source file.</param>
    /// <param name="outputDirectory">Where the segments go (created if needed).</param>
    /// <param name="segmentLength">The longest segment.</param>
    /// <param name="cancellationToken">Cancels the split.</param>
    /// <returns>The segment files in order.</returns>
    public async Task<IReadOnlyList<string>> SplitAsync(string inputPath, string outputDirectory, TimeSpan segmentLength,
        CancellationToken cancellationToken = default)
    {
        if (segmentLength <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(segmentLength), segmentLength, "The segment length must be positive.");
        }

        Directory.CreateDirectory(outputDirectory);
        var extension = Path.GetExtension(inputPath);
        var pattern = Path.Combine(outputDirectory, "segment_%05d" + extension);
        await RunAsync(["-i", inputPath, "-vn", "-f", "segment", "-segment_time",
            segmentLength.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture), "-c", "copy", "-reset_timestamps", "1", pattern],
            cancellationToken).ConfigureAwait(false);
        return Directory.GetFiles(outputDirectory, "segment_*" + extension).Order(StringComparer.Ordinal).ToList();
    }

    private async Task RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["-hide_banner", "-nostdin", "-loglevel", "error", "-y"])
        {
            start.ArgumentList.Add(a);
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"ffmpeg could not be started from '{ExecutablePath}'.");
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var stderr = await errors.ConfigureAwait(false);
        await output.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            var tail = stderr.Length > 2000 ? stderr[^2000..] : stderr;
            throw new InvalidOperationException(new StringBuilder("ffmpeg failed with exit code ").Append(process.ExitCode).Append(": ").Append(tail.Trim()).ToString());
        }
    }
}
