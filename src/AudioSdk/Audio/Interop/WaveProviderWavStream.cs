using NAudio.Wave;

namespace AudioSdk.Audio.Interop;

/// <summary>
/// A read-only, forward-only WAV file made on the fly from an NAudio provider: a 44-byte header, then the provider's
/// bytes as it gives them, nothing buffered beyond one read. The data size is exact when known (a <see cref="WaveStream"/>'s
/// remaining length); otherwise it is written as streamed (0xFFFFFFFF), which the SDK's reader and ffmpeg accept.
/// </summary>
internal sealed class WaveProviderWavStream : Stream
{
    private readonly IWaveProvider _provider;
    private readonly byte[] _header = new byte[44];
    private readonly int _blockAlign;
    private readonly long? _dataLength;
    private int _headerSent;
    private long _dataSent;
    private bool _ended;

    public WaveProviderWavStream(IWaveProvider provider, long? dataLength, string paramName)
    {
        _provider = WaveFormats.Readable(provider, out var format, paramName);
        _blockAlign = format.BlockAlign;
        _dataLength = dataLength is { } exact && WaveFormats.Law(provider.WaveFormat) is not null ? exact * 2 : dataLength;
        _dataLength -= _dataLength % _blockAlign;
        WavFile.WriteHeader(_header, format, _dataLength ?? uint.MaxValue);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("The WAV is made as it is read.");

    public override long Position
    {
        get => _headerSent + _dataSent;
        set => throw new NotSupportedException("The WAV is made as it is read.");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_headerSent < _header.Length)
        {
            var n = Math.Min(buffer.Length, _header.Length - _headerSent);
            _header.AsSpan(_headerSent, n).CopyTo(buffer);
            _headerSent += n;
            return n;
        }

        if (_pendingCount > 0)
        {
            return DrainPending(buffer);
        }

        if (_ended || buffer.IsEmpty || (_dataLength is { } total && _dataSent >= total))
        {
            return 0;
        }

        var wanted = (int)Math.Min(buffer.Length, (_dataLength ?? long.MaxValue) - _dataSent);
        wanted -= wanted % _blockAlign;
        if (wanted == 0)
        {
            // The caller reads less than a frame at a time: one frame is read and handed out in pieces.
            _pending ??= new byte[_blockAlign];
            _pendingOffset = 0;
            _pendingCount = Fill(_pending, _blockAlign);
            return DrainPending(buffer);
        }

        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(wanted);
        try
        {
            var read = Fill(rented, wanted);
            rented.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<int>(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("The WAV is made as it is read.");

    public override void SetLength(long value) => throw new NotSupportedException("The WAV is made as it is read.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The WAV is read-only.");

    /// <summary>Reads whole frames from the provider (a trailing partial frame is dropped); 0 ends the data.</summary>
    private int Fill(byte[] array, int count)
    {
        var read = Math.Clamp(WaveIo.Read(_provider, array, 0, count), 0, count);
        read -= read % _blockAlign;
        if (read == 0)
        {
            _ended = true;
            return 0;
        }

        _dataSent += read;
        return read;
    }

    private int DrainPending(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _pendingCount);
        _pending.AsSpan(_pendingOffset, n).CopyTo(buffer);
        _pendingOffset += n;
        _pendingCount -= n;
        return n;
    }

    private byte[]? _pending;
    private int _pendingOffset;
    private int _pendingCount;
}
