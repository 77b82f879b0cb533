namespace AudioSdk.Internal.Http;

/// <summary>Read-only base for the upload streams below and, through <see cref="ReadOnlyStream"/>, the response streams.</summary>
internal abstract class ReadOnlyStreamBase : Stream
{
    public override bool CanRead => true;

    public override bool CanWrite => false;

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
}

/// <summary>A stream over memory the caller owns; no copy.</summary>
internal sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : ReadOnlyStreamBase
{
    private int _position;

    public override bool CanSeek => true;

    public override long Length => memory.Length;

    public override long Position
    {
        get => _position;
        set => _position = (int)Math.Clamp(value, 0, memory.Length);
    }

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, memory.Length - _position);
        memory.Span.Slice(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => memory.Length + offset,
        };
        return _position;
    }
}

/// <summary>Reads at most <c>length</c> bytes of a caller's stream and never disposes it.</summary>
internal sealed class NonDisposingStream(Stream inner, long length) : ReadOnlyStreamBase
{
    private readonly long _length = length;
    private long _remaining = length;

    public override bool CanSeek => false;

    public override long Length => _length;

    public override long Position
    {
        get => _length - _remaining;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        if (_remaining <= 0)
        {
            return 0;
        }

        var n = inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
        _remaining -= n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_remaining <= 0)
        {
            return 0;
        }

        var n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
        _remaining -= n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
}

/// <summary>The bytes already read to sniff the format, then the rest of a one-shot stream, which is not disposed.</summary>
internal sealed class PrefixedStream(byte[] prefix, Stream rest) : ReadOnlyStreamBase
{
    private int _prefixPosition;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        if (_prefixPosition < prefix.Length)
        {
            var n = Math.Min(buffer.Length, prefix.Length - _prefixPosition);
            prefix.AsSpan(_prefixPosition, n).CopyTo(buffer);
            _prefixPosition += n;
            return n;
        }

        return rest.Read(buffer);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _prefixPosition < prefix.Length ? new(Read(buffer.Span)) : rest.ReadAsync(buffer, cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
}
