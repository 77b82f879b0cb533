namespace AudioSdk.Internal.Http;

/// <summary>
/// The SDK's forward-only response streams (a body handed to the caller, SSE chunks, the idle-timeout guard): the
/// read-only base of the upload streams, without seeking; only the asynchronous read is theirs to write.
/// </summary>
internal abstract class ReadOnlyStream : ReadOnlyStreamBase
{
    public sealed override bool CanSeek => false;

    public sealed override long Length => throw new NotSupportedException();

    public sealed override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
}
