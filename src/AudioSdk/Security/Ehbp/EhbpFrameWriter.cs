using System.Buffers;
using System.Buffers.Binary;

namespace AudioSdk.Security.Ehbp;

/// <summary>
/// Writes an EHBP body: plaintext is gathered up to <c>framePlaintext</c> bytes and sealed as one frame
/// (<c>LEN</c> ‖ ciphertext ‖ tag), and a write of at least a frame is sealed in place, frame by frame, without being
/// gathered; ciphertext goes to a pooled buffer, each frame out in one write; <see cref="FlushAsync(CancellationToken)"/>
/// seals what is gathered at once, so a streaming writer (an event stream) frames each flush. With <c>overlapWrites</c>
/// (an upload) a frame's write (TLS encryption and the socket) runs on the thread pool while the next frame is sealed
/// here, into a second buffer: at most one write is in flight, so frames stay in order, and its failure surfaces at the
/// next write or at completion. Dispose waits for a write in flight before the buffers go back to the pool; it does
/// not seal what is gathered, and the inner stream is not disposed.
/// </summary>
internal sealed class EhbpFrameWriter : Stream
{
    private readonly Stream _inner;
    private readonly FrameCipher _cipher;
    private readonly int _framePlaintext;
    private readonly bool _sealEachWrite;
    private readonly bool _overlapWrites;
    private byte[] _gathered;
    private byte[] _sealed;
    private byte[] _spare = [];
    private Task? _writing;
    private int _count;
    private bool _completed;

    /// <param name="inner">Where frames go.</param>
    /// <param name="cipher">The direction's cipher (owned: disposed with the writer).</param>
    /// <param name="framePlaintext">The most plaintext per frame.</param>
    /// <param name="sealEachWrite">Seal each write as it comes (a server streaming its writes), not only full frames.</param>
    /// <param name="overlapWrites">Write each frame on the thread pool while the next one is sealed (an upload).</param>
    public EhbpFrameWriter(Stream inner, FrameCipher cipher, int framePlaintext, bool sealEachWrite = false, bool overlapWrites = false)
    {
        _inner = inner;
        _cipher = cipher;
        _framePlaintext = framePlaintext;
        _sealEachWrite = sealEachWrite;
        _overlapWrites = overlapWrites;
        _gathered = ArrayPool<byte>.Shared.Rent(framePlaintext);
        _sealed = ArrayPool<byte>.Shared.Rent(framePlaintext + Hpke.TagLength + EhbpProtocol.FramePrefixLength);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await SealGatheredAsync(cancellationToken).ConfigureAwait(false);
        await WrittenAsync().ConfigureAwait(false);
        await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (buffer.Length >= _framePlaintext)
        {
            // A write that fills whole frames is sealed straight from the caller's memory (no gathering copy): what is
            // gathered before it (a multipart head) goes out first as a short frame, the remainder is gathered.
            await SealGatheredAsync(cancellationToken).ConfigureAwait(false);
            while (buffer.Length >= _framePlaintext)
            {
                await SealAsync(buffer[.._framePlaintext], cancellationToken).ConfigureAwait(false);
                buffer = buffer[_framePlaintext..];
            }
        }

        while (!buffer.IsEmpty)
        {
            var n = Math.Min(buffer.Length, _framePlaintext - _count);
            buffer[..n].CopyTo(_gathered.AsMemory(_count));
            _count += n;
            buffer = buffer[n..];
            if (_count == _framePlaintext)
            {
                await SealGatheredAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (_sealEachWrite)
        {
            await SealGatheredAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Seals what is gathered and stops; later writes fail.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (!_completed)
        {
            await SealGatheredAsync(cancellationToken).ConfigureAwait(false);
            await WrittenAsync().ConfigureAwait(false);
            _completed = true;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            WaitForWrite().GetAwaiter().GetResult();
            Return();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await WaitForWrite().ConfigureAwait(false);
        Return();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Return()
    {
        if (_gathered.Length > 0)
        {
            _completed = true;
            ArrayPool<byte>.Shared.Return(_gathered, clearArray: true);
            ArrayPool<byte>.Shared.Return(_sealed);
            if (_spare.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_spare);
            }

            _gathered = _sealed = _spare = [];
            _cipher.Dispose();
        }
    }

    /// <summary>The write in flight, awaited (its failure thrown); nothing in flight after it.</summary>
    private async ValueTask WrittenAsync()
    {
        if (_writing is { } writing)
        {
            _writing = null;
            await writing.ConfigureAwait(false);
        }
    }

    /// <summary>Waits for a write in flight without throwing: its buffer must not go back to the pool while the socket reads it.</summary>
    private async Task WaitForWrite()
    {
        try
        {
            await WrittenAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Already surfaced to the caller, or the caller stopped for another reason: the body is abandoned either way.
        }
    }

    private ValueTask SealGatheredAsync(CancellationToken cancellationToken)
    {
        if (_count == 0 || _completed)
        {
            return ValueTask.CompletedTask;
        }

        var count = _count;
        _count = 0;
        return SealAsync(_gathered.AsMemory(0, count), cancellationToken);
    }

    /// <summary>Seals one frame (<c>LEN</c> ‖ ciphertext ‖ tag) into a pooled buffer and writes it in one call.</summary>
    private async ValueTask SealAsync(ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken)
    {
        var length = plaintext.Length + Hpke.TagLength;
        var frame = _sealed;
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)length);
        _cipher.Seal(plaintext.Span, frame.AsSpan(EhbpProtocol.FramePrefixLength, length));
        var bytes = frame.AsMemory(0, EhbpProtocol.FramePrefixLength + length);
        if (!_overlapWrites)
        {
            await _inner.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            return;
        }

        // The previous frame's write ran while this one was sealed; then this one goes out the same way, and the next
        // frame is sealed into the other buffer.
        await WrittenAsync().ConfigureAwait(false);
        _writing = Task.Run(async () => await _inner.WriteAsync(bytes, cancellationToken).ConfigureAwait(false), CancellationToken.None);
        if (_spare.Length == 0)
        {
            _spare = ArrayPool<byte>.Shared.Rent(frame.Length);
        }

        (_sealed, _spare) = (_spare, frame);
    }
}
