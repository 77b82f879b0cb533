using AudioSdk.Audio;
using AudioSdk.Internal.Http;

namespace AudioSdk.Realtime.Uplink;

/// <summary>
/// Stage 2 of the uplink: a WAV stream to blocks of interleaved float frames, read 100 ms at a time. The header is
/// checked against the limits below before any buffer is sized from it, and every size is computed checked, so a
/// hostile header costs a <see cref="WavFormatException"/>, never memory.
/// </summary>
internal sealed class WavDecoder
{
    /// <summary>The highest sample rate accepted.</summary>
    public const int MaxSampleRate = 768_000;

    /// <summary>The most channels accepted.</summary>
    public const int MaxChannels = 32;

    private const int HeaderBytes = 64 * 1024;
    private const int MaxBlockFrames = 16 * 1024;
    private readonly Stream _data;
    private readonly byte[] _block;
    private readonly float[] _samples;
    private long _remaining;

    private WavDecoder(WavFormat format, Stream data, long remaining)
    {
        Format = format;
        _data = data;
        _remaining = remaining;
        var frames = Math.Clamp(format.SampleRate / 10, 1, MaxBlockFrames);
        _block = new byte[checked(frames * format.BlockAlign)];
        _samples = new float[checked(frames * format.Channels)];
    }

    public WavFormat Format { get; }

    /// <summary>Reads and checks the header.</summary>
    /// <exception cref="WavFormatException">Not a WAV, or outside the limits.</exception>
    public static async Task<WavDecoder> OpenAsync(Stream wav, CancellationToken cancellationToken)
    {
        var head = new byte[HeaderBytes];
        var headLength = await wav.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        WavInfo info;
        try
        {
            info = WavFile.ReadHeader(head.AsSpan(0, headLength));
        }
        catch (OverflowException ex)
        {
            throw new WavFormatException("The WAV header's sizes do not add up: " + ex.Message);
        }

        var format = info.Format;
        Check(format);
        var dataStart = (int)Math.Min(info.DataOffset, headLength);
        return new WavDecoder(format, new PrefixedStream(head[dataStart..headLength], wav), info.DataLength ?? long.MaxValue);
    }

    /// <summary>The next block of interleaved float frames; empty at the end of the data.</summary>
    public async ValueTask<ReadOnlyMemory<float>> ReadAsync(CancellationToken cancellationToken)
    {
        if (_remaining <= 0)
        {
            return ReadOnlyMemory<float>.Empty;
        }

        var read = await _data.ReadAtLeastAsync(_block, _block.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var usable = (int)Math.Min(read, _remaining);
        usable -= usable % Format.BlockAlign;
        if (usable == 0)
        {
            _remaining = 0;
            return ReadOnlyMemory<float>.Empty;
        }

        _remaining -= usable;
        var count = WavFile.Decode(_block.AsSpan(0, usable), Format, _samples);
        return _samples.AsMemory(0, count);
    }

    /// <summary>Mono frames of the block just read: the downmix stage, in place.</summary>
    public ReadOnlySpan<float> Downmix(ReadOnlyMemory<float> block)
    {
        var span = _samples.AsSpan(0, block.Length);
        return span[..Downmixer.DownmixInPlace(span, Format.Channels)];
    }

    private static void Check(WavFormat format)
    {
        if (format.SampleRate is <= 0 or > MaxSampleRate)
        {
            throw new WavFormatException($"The WAV declares {format.SampleRate} Hz; realtime sending takes 1 to {MaxSampleRate} Hz.");
        }

        if (format.Channels is <= 0 or > MaxChannels)
        {
            throw new WavFormatException($"The WAV declares {format.Channels} channels; realtime sending takes 1 to {MaxChannels}.");
        }

        if ((format.Encoding, format.BitsPerSample) is not ((WavEncoding.Pcm, 8 or 16 or 24 or 32) or (WavEncoding.IeeeFloat, 32)))
        {
            throw new WavFormatException($"Unsupported sample format: {format.Encoding} {format.BitsPerSample}-bit.");
        }
    }
}
