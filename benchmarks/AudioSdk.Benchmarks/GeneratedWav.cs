namespace AudioSdk.Benchmarks;

/// <summary>A 16 kHz mono PCM16 WAV of silence, produced as it is read: no length, no seeking, no buffer.</summary>
internal sealed class GeneratedWav(long dataBytes) : Stream
{
    private readonly byte[] _header = Header(dataBytes);
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var total = _header.Length + dataBytes;
        var n = (int)Math.Min(buffer.Length, total - _position);
        var fromHeader = (int)Math.Clamp(_header.Length - _position, 0, n);
        _header.AsSpan((int)Math.Min(_position, _header.Length), fromHeader).CopyTo(buffer);
        buffer[fromHeader..n].Clear();
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private static byte[] Header(long data)
    {
        var h = new byte[44];
        "RIFF"u8.CopyTo(h);
        BitConverter.TryWriteBytes(h.AsSpan(4), (uint)Math.Min(uint.MaxValue, 36 + data));
        "WAVEfmt "u8.CopyTo(h.AsSpan(8));
        BitConverter.TryWriteBytes(h.AsSpan(16), 16);
        BitConverter.TryWriteBytes(h.AsSpan(20), (short)1);
        BitConverter.TryWriteBytes(h.AsSpan(22), (short)1);
        BitConverter.TryWriteBytes(h.AsSpan(24), 16000);
        BitConverter.TryWriteBytes(h.AsSpan(28), 32000);
        BitConverter.TryWriteBytes(h.AsSpan(32), (short)2);
        BitConverter.TryWriteBytes(h.AsSpan(34), (short)16);
        "data"u8.CopyTo(h.AsSpan(36));
        BitConverter.TryWriteBytes(h.AsSpan(40), (uint)Math.Min(uint.MaxValue, data));
        return h;
    }
}
