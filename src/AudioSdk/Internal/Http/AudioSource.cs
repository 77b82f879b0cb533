namespace AudioSdk.Internal.Http;

/// <summary>Where an upload's bytes come from; each attempt asks it for a fresh stream.</summary>
internal abstract class AudioSource
{
    /// <summary>The byte count, when known without reading.</summary>
    public abstract long? Length { get; }

    /// <summary>Whether <see cref="OpenAsync"/> may be called more than once.</summary>
    public abstract bool IsReplayable { get; }

    /// <summary>Opens the bytes for one attempt. The returned stream is the caller's to dispose; it never disposes the user's
    /// stream.</summary>
    public abstract ValueTask<Stream> OpenAsync(CancellationToken cancellationToken);
}

internal sealed class FileSource(string path, long length) : AudioSource
{
    public override long? Length => length;

    public override bool IsReplayable => true;

    public override ValueTask<Stream> OpenAsync(CancellationToken cancellationToken) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920,
            FileOptions.Asynchronous | FileOptions.SequentialScan));
}

internal sealed class MemorySource(ReadOnlyMemory<byte> bytes) : AudioSource
{
    /// <summary>The bytes themselves, which an upload writes without a stream.</summary>
    public ReadOnlyMemory<byte> Bytes => bytes;

    public override long? Length => bytes.Length;

    public override bool IsReplayable => true;

    public override ValueTask<Stream> OpenAsync(CancellationToken cancellationToken) => new(new ReadOnlyMemoryStream(bytes));
}

internal sealed class SeekableStreamSource(Stream stream, long start, long length) : AudioSource
{
    public override long? Length => length;

    public override bool IsReplayable => true;

    public override ValueTask<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        stream.Position = start;
        return new(new NonDisposingStream(stream, length));
    }
}

internal sealed class OneShotStreamSource(Stream stream, byte[] prefix) : AudioSource
{
    private int _opened;

    public override long? Length => null;

    public override bool IsReplayable => false;

    public override ValueTask<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _opened, 1) != 0)
        {
            throw new InvalidOperationException("A non-seekable audio stream cannot be sent twice.");
        }

        return new(new PrefixedStream(prefix, stream));
    }
}
