namespace AudioSdk.Audio;

/// <summary>
/// Walks the frames of an MPEG audio Layer III stream (MPEG-1, 2 and 2.5) to find its exact duration and
/// its frame boundaries, skipping ID3v2 tags, a Xing/Info header frame, an ID3v1 tag and junk between frames.
/// </summary>
public static class Mp3FrameScanner
{
    private static readonly int[] BitratesV1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0];
    private static readonly int[] BitratesV2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0];
    private static readonly int[][] SampleRates = [[11025, 12000, 8000], [0, 0, 0], [22050, 24000, 16000], [44100, 48000, 32000]];

    /// <summary>Scans a stream from its current position to its end.</summary>
    /// <param name="stream">The MP3 bytes.</param>
    /// <param name="collectFrameOffsets">Whether to return every frame's offset (for cutting at frame boundaries).</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <exception cref="InvalidDataException">No MPEG Layer III frame was found.</exception>
    public static async Task<Mp3Info> ScanAsync(Stream stream, bool collectFrameOffsets = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new BufferedReader(stream);
        var offsets = new List<long>();
        long frames = 0;
        double seconds = 0;
        var sampleRate = 0;
        long first = -1;
        var locked = false;

        // ID3v2 tags (there may be several).
        while (await reader.EnsureAsync(10, cancellationToken).ConfigureAwait(false) && reader.Span[..3].SequenceEqual("ID3"u8))
        {
            var h = reader.Span;
            var size = (h[6] << 21) | (h[7] << 14) | (h[8] << 7) | h[9];
            var footer = (h[5] & 0x10) != 0 ? 10 : 0;
            await reader.SkipAsync(10 + size + footer, cancellationToken).ConfigureAwait(false);
        }

        while (await reader.EnsureAsync(4, cancellationToken).ConfigureAwait(false))
        {
            var h = reader.Span;
            if (h[..3].SequenceEqual("TAG"u8) && reader.Remaining <= 128)
            {
                break;
            }

            if (!TryParseHeader(h, out var length, out var samples, out var rate))
            {
                locked = false;
                await reader.SkipAsync(1, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // Out of sync (at the start or after junk), accept a frame only when the next frame follows it,
            // so bytes that merely look like a sync word are skipped. In sync, frames follow frames.
            if (!locked)
            {
                var haveNext = await reader.EnsureAsync(length + 4, cancellationToken).ConfigureAwait(false);
                if (haveNext && !TryParseHeader(reader.Span.Slice(length, 4), out _, out _, out _))
                {
                    await reader.SkipAsync(1, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                locked = true;
            }

            if (first < 0)
            {
                first = reader.Position;
                sampleRate = rate;
                if (IsXing(reader.Span[..Math.Min(length, reader.Span.Length)]))
                {
                    await reader.SkipAsync(length, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            if (collectFrameOffsets)
            {
                offsets.Add(reader.Position);
            }

            frames++;
            seconds += (double)samples / rate;
            await reader.SkipAsync(length, cancellationToken).ConfigureAwait(false);
        }

        if (first < 0)
        {
            throw new InvalidDataException("No MPEG audio Layer III frame was found.");
        }

        return new Mp3Info(TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)), sampleRate, frames, first, offsets);
    }

    internal static bool TryParseHeader(ReadOnlySpan<byte> h, out int length, out int samples, out int sampleRate)
    {
        length = samples = sampleRate = 0;
        if (h.Length < 4 || h[0] != 0xFF || (h[1] & 0xE0) != 0xE0)
        {
            return false;
        }

        var version = (h[1] >> 3) & 3;
        var layer = (h[1] >> 1) & 3;
        var bitrateIndex = h[2] >> 4;
        var rateIndex = (h[2] >> 2) & 3;
        if (version == 1 || layer != 1 || bitrateIndex is 0 or 15 || rateIndex == 3)
        {
            return false;
        }

        var bitrate = (version == 3 ? BitratesV1 : BitratesV2)[bitrateIndex] * 1000;
        sampleRate = SampleRates[version][rateIndex];
        var padding = (h[2] >> 1) & 1;
        samples = version == 3 ? 1152 : 576;
        length = (samples / 8 * bitrate / sampleRate) + padding;
        return true;
    }

    private static bool IsXing(ReadOnlySpan<byte> frame)
    {
        for (var i = 4; i + 4 <= Math.Min(frame.Length, 64); i++)
        {
            var tag = frame.Slice(i, 4);
            if (tag.SequenceEqual("Xing"u8) || tag.SequenceEqual("Info"u8))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A forward-only window over a stream, refilled as the scan advances.</summary>
    private sealed class BufferedReader(Stream stream)
    {
        private byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;
        private bool _eof;

        public long Position { get; private set; }

        public int Remaining => _end - _start;

        public ReadOnlySpan<byte> Span => _buffer.AsSpan(_start, _end - _start);

        public async ValueTask<bool> EnsureAsync(int count, CancellationToken cancellationToken)
        {
            while (_end - _start < count && !_eof)
            {
                if (_buffer.Length < count)
                {
                    Array.Resize(ref _buffer, count * 2);
                }

                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }

                var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
                _eof = read == 0;
                _end += read;
            }

            return _end - _start >= count;
        }

        public async ValueTask SkipAsync(int count, CancellationToken cancellationToken)
        {
            while (count > 0)
            {
                if (_start == _end && !await EnsureAsync(1, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                var n = Math.Min(count, _end - _start);
                _start += n;
                Position += n;
                count -= n;
            }
        }
    }
}
