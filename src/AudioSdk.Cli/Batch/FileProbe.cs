using AudioSdk.Audio;

namespace AudioSdk.Cli.Batch;

/// <summary>What a look at a file's first bytes says, before anything is sent: its size, format and, for WAV, duration.</summary>
internal sealed record FileProbe(long Size, string Format, TimeSpan? Duration)
{
    private const int HeaderBytes = 64 * 1024;

    /// <summary>Reads the file's header.</summary>
    /// <exception cref="BatchItemException">The file cannot be read, is empty or is not audio; the message says which.</exception>
    public static async Task<FileProbe> ReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] header;
        long size;
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                size = stream.Length;
                header = new byte[(int)Math.Min(size, HeaderBytes)];
                await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BatchItemException($"cannot read the file: {ex.Message}");
        }

        if (size == 0)
        {
            throw new BatchItemException("the file is empty");
        }

        if (AudioFormatSniffer.Detect(header) is not { } format)
        {
            throw new BatchItemException("not audio: the content is not WAV, MP3, FLAC, Ogg, WebM, MP4/M4A or AAC");
        }

        TimeSpan? duration = null;
        if (format.Extension == "wav")
        {
            try
            {
                var info = WavFile.ReadHeader(header);
                duration = info.Duration ?? info.Format.DurationOf(Math.Max(0, size - info.DataOffset));
            }
            catch (WavFormatException ex)
            {
                throw new BatchItemException($"not a valid WAV file: {ex.Message}");
            }
        }
        else if (format.Extension == "mp3" && size > 4 * 1024 * 1024)
        {
            try
            {
                var stream = File.OpenRead(path);
                await using (stream.ConfigureAwait(false))
                {
                    duration = (await Mp3FrameScanner.ScanAsync(stream,
                        cancellationToken: cancellationToken).ConfigureAwait(false)).Duration;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Unknown duration: the size alone decides whether the file is split.
            }
        }

        return new FileProbe(size, format.Extension, duration);
    }
}

/// <summary>A file of a batch that cannot be processed, with the reason shown in the final table.</summary>
internal sealed class BatchItemException(string message) : Exception(message);
