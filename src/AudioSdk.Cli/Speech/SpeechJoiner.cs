using AudioSdk.Audio;
using AudioSdk.Speech;

namespace AudioSdk.Cli.Speech;

/// <summary>
/// Writes the audio of one or more speech requests as one file. One part passes through unchanged. Several parts:
/// WAV is joined exactly (one header, the parts' samples back to back; the sizes are patched when the output can seek,
/// and written as "streamed" when it cannot); PCM is concatenated; MP3 and AAC (frame streams) and Opus (chained
/// Ogg streams) are concatenated, which their formats allow; FLAC cannot be joined and is refused before any request.
/// </summary>
internal sealed class SpeechJoiner(Stream output, SpeechFormat format, int partCount)
{
    private const int MaxWavHeaderBytes = 1024 * 1024;
    private WavFormat? _wavFormat;
    private long _dataBytes;
    private long _headerPosition = -1;

    /// <summary>Whether a format's parts can be joined into one file.</summary>
    public static string? CannotJoin(SpeechFormat format) =>
        format == SpeechFormat.Flac ? "FLAC files cannot be joined; for text over 4096 characters use --format wav, pcm, mp3, aac or opus." : null;

    public async Task WritePartAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, CancellationToken cancellationToken)
    {
        if (partCount == 1 || format != SpeechFormat.Wav)
        {
            await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await output.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // WAV: buffer until the header is complete, then pass the data chunk's bytes through.
        var header = new MemoryStream();
        WavInfo? info = null;
        long remaining = long.MaxValue;
        await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var data = chunk;
            if (info is null)
            {
                header.Write(chunk.Span);
                try
                {
                    info = WavFile.ReadHeader(header.GetBuffer().AsSpan(0, (int)header.Length));
                }
                catch (WavFormatException) when (header.Length < MaxWavHeaderBytes)
                {
                    continue;
                }

                await StartDataAsync(info, cancellationToken).ConfigureAwait(false);
                remaining = info.DataLength ?? long.MaxValue;
                data = header.GetBuffer().AsMemory((int)info.DataOffset, (int)(header.Length - info.DataOffset));
            }

            var take = (int)Math.Min(data.Length, remaining);
            await output.WriteAsync(data[..take], cancellationToken).ConfigureAwait(false);
            remaining -= take;
            _dataBytes += take;
        }

        if (info is null)
        {
            throw new InvalidDataException("The server's WAV answer ended before its header did.");
        }
    }

    /// <summary>Patches the WAV sizes when the output can seek.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_wavFormat is not null && _headerPosition >= 0 && output.CanSeek)
        {
            var end = output.Position;
            output.Position = _headerPosition;
            var header = new byte[44];
            WavFile.WriteHeader(header, _wavFormat, _dataBytes);
            await output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
            output.Position = end;
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task StartDataAsync(WavInfo info, CancellationToken cancellationToken)
    {
        if (_wavFormat is null)
        {
            _wavFormat = info.Format;
            _headerPosition = output.CanSeek ? output.Position : -1;
            var header = new byte[44];
            WavFile.WriteHeader(header, info.Format, output.CanSeek ? 0 : uint.MaxValue);
            await output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        }
        else if (_wavFormat != info.Format)
        {
            throw new InvalidDataException($"The parts came back in different WAV formats ({_wavFormat} and {info.Format}) and cannot be joined.");
        }
    }
}
