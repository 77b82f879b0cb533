using System.Buffers;
using System.Buffers.Binary;

namespace AudioSdk.Security.Ehbp;

/// <summary>
/// Reads an EHBP body: <c>LEN</c> (4 bytes, big-endian) then <c>LEN</c> bytes of AES-GCM ciphertext and tag, repeated
/// until the body ends. A frame's plaintext is handed out only after its tag verified; a length over
/// <see cref="EhbpProtocol.MaxFrameLength"/> is refused before anything is allocated for it, and the frame buffer grows
/// only as its bytes arrive. The end of the body inside a prefix or a frame, a tag failure, or any read after a failure
/// throws the exception <c>fail</c> makes: never silently shorter data.
/// </summary>
internal sealed class EhbpFrameReader : Stream
{
    private const int InitialFrameBuffer = EhbpProtocol.RequestFramePlaintext + Hpke.TagLength;

    private readonly Stream _inner;
    private readonly FrameCipher _cipher;
    private readonly Func<string, Exception> _fail;
    private readonly byte[] _prefix = new byte[EhbpProtocol.FramePrefixLength];
    private byte[] _frame = [];
    private byte[] _plain = [];
    private int _plainStart;
    private int _plainEnd;
    private bool _ended;
    private string? _failure;
    private bool _disposed;

    public EhbpFrameReader(Stream inner, FrameCipher cipher, Func<string, Exception> fail)
    {
        _inner = inner;
        _cipher = cipher;
        _fail = fail;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>
    /// Opens the first frame without handing anything out: false for an empty body. A server uses it to tell a body
    /// sealed to another key (the first frame fails) from one that breaks later.
    /// </summary>
    public async ValueTask<bool> PrimeAsync(CancellationToken cancellationToken)
    {
        if (_plainStart < _plainEnd)
        {
            return true;
        }

        var opened = await NextFrameAsync(cancellationToken).ConfigureAwait(false);
        _ended = !opened;
        return opened;
    }

    public override int Read(Span<byte> buffer)
    {
        var rented = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            var n = ReadAsync(rented.AsMemory(0, buffer.Length)).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null)
        {
            throw _fail(_failure);
        }

        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_plainStart == _plainEnd)
        {
            if (_ended || !await NextFrameAsync(cancellationToken).ConfigureAwait(false))
            {
                _ended = true;
                return 0;
            }
        }

        var n = Math.Min(buffer.Length, _plainEnd - _plainStart);
        _plain.AsSpan(_plainStart, n).CopyTo(buffer.Span);
        _plainStart += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            Release();
            _cipher.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            Release();
            _cipher.Dispose();
            await _inner.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Reads and opens the next non-empty frame; false at a clean end of the body (between frames).</summary>
    private async ValueTask<bool> NextFrameAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var got = await FillAsync(_prefix, cancellationToken).ConfigureAwait(false);
            if (got == 0)
            {
                return false;
            }

            if (got < _prefix.Length)
            {
                throw Fail("the body ended inside a frame's length prefix");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(_prefix);
            if (length == 0)
            {
                continue; // an empty frame: skipped, the counter does not advance
            }

            if (length > EhbpProtocol.MaxFrameLength)
            {
                throw Fail($"a frame announced {length} bytes, more than the {EhbpProtocol.MaxFrameLength} accepted");
            }

            if (length < Hpke.TagLength)
            {
                throw Fail("a frame is shorter than its authentication tag");
            }

            var size = (int)length;
            var filled = 0;
            EnsureCapacity(ref _frame, Math.Min(size, InitialFrameBuffer), 0);
            while (filled < size)
            {
                if (filled == _frame.Length)
                {
                    EnsureCapacity(ref _frame, Math.Min(size, _frame.Length * 2), filled);
                }

                var read = await _inner.ReadAsync(_frame.AsMemory(filled, Math.Min(size, _frame.Length) - filled),
                    cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw Fail("the body ended inside a frame");
                }

                filled += read;
            }

            EnsureCapacity(ref _plain, size - Hpke.TagLength, 0);
            if (!_cipher.TryOpen(_frame.AsSpan(0, size), _plain))
            {
                _plain.AsSpan(0, size - Hpke.TagLength).Clear();
                throw Fail("a frame did not authenticate");
            }

            _plainStart = 0;
            _plainEnd = size - Hpke.TagLength;
            return true;
        }
    }

    private Exception Fail(string reason)
    {
        _failure = reason;
        _plainStart = _plainEnd = 0;
        return _fail(reason);
    }

    private async ValueTask<int> FillAsync(Memory<byte> target, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < target.Length)
        {
            var read = await _inner.ReadAsync(target[filled..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }

    private static void EnsureCapacity(ref byte[] buffer, int size, int keep)
    {
        if (buffer.Length >= size)
        {
            return;
        }

        var next = ArrayPool<byte>.Shared.Rent(size);
        buffer.AsSpan(0, keep).CopyTo(next);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        buffer = next;
    }

    private void Release()
    {
        if (_frame.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_frame);
        }

        if (_plain.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_plain, clearArray: true);
        }

        _frame = _plain = [];
    }
}
