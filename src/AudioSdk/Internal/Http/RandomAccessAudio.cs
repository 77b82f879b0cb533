using Microsoft.Win32.SafeHandles;

namespace AudioSdk.Internal.Http;

/// <summary>Positional, thread-safe reads of an input's bytes, so several chunks can upload in parallel.</summary>
internal abstract class RandomAccessAudio : IAsyncDisposable
{
    public abstract long Length { get; }

    /// <summary>The file behind these bytes, when there is one (ffmpeg needs a path).</summary>
    public virtual string? FilePath => null;

    public abstract ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken);

    public async ValueTask<byte[]> ReadRangeAsync(long offset, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[(int)Math.Max(0, Math.Min(count, Length - offset))];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await ReadAtAsync(offset + filled, buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled == buffer.Length ? buffer : buffer[..filled];
    }

    public virtual ValueTask DisposeAsync() => default;
}

internal sealed class FileRandomAccess : RandomAccessAudio
{
    private readonly SafeFileHandle _handle;
    private readonly bool _deleteOnDispose;

    public FileRandomAccess(string path, bool deleteOnDispose = false)
    {
        FilePath = path;
        _deleteOnDispose = deleteOnDispose;
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        Length = RandomAccess.GetLength(_handle);
    }

    public override long Length { get; }

    public override string FilePath { get; }

    public override ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken) =>
        RandomAccess.ReadAsync(_handle, buffer, offset, cancellationToken);

    public override ValueTask DisposeAsync()
    {
        _handle.Dispose();
        if (_deleteOnDispose)
        {
            try
            {
                File.Delete(FilePath);
            }
            catch (IOException)
            {
            }
        }

        return default;
    }
}

internal sealed class MemoryRandomAccess(ReadOnlyMemory<byte> bytes) : RandomAccessAudio
{
    public override long Length => bytes.Length;

    public override ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var n = (int)Math.Max(0, Math.Min(buffer.Length, bytes.Length - offset));
        bytes.Span.Slice((int)offset, n).CopyTo(buffer.Span);
        return new(n);
    }
}

/// <summary>A caller's seekable stream, read under a lock (seek and read are one step), never disposed.</summary>
internal sealed class StreamRandomAccess(Stream stream, long start) : RandomAccessAudio
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public override long Length { get; } = stream.Length - start;

    public override async ValueTask<int> ReadAtAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            stream.Position = start + offset;
            return await stream.ReadAsync(buffer[..(int)Math.Max(0, Math.Min(buffer.Length, Length - offset))],
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override ValueTask DisposeAsync()
    {
        _gate.Dispose();
        return default;
    }
}

/// <summary>A chunk's upload: an optional header (a WAV header written for the chunk), then a byte range of the source.</summary>
internal sealed class RangeSource(RandomAccessAudio audio, byte[] prefix, long offset, long length) : AudioSource
{
    public override long? Length => prefix.Length + length;

    public override bool IsReplayable => true;

    public override ValueTask<Stream> OpenAsync(CancellationToken cancellationToken) => new(new RangeStream(audio, prefix, offset, length));

    private sealed class RangeStream(RandomAccessAudio audio, byte[] prefix, long offset, long length) : ReadOnlyStreamBase
    {
        private long _position;

        public override bool CanSeek => false;

        public override long Length => prefix.Length + length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(Span<byte> buffer) => throw new NotSupportedException("Read asynchronously.");

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position < prefix.Length)
            {
                var n = (int)Math.Min(buffer.Length, prefix.Length - _position);
                prefix.AsMemory((int)_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }

            var remaining = Length - _position;
            if (remaining <= 0)
            {
                return 0;
            }

            var read = await audio.ReadAtAsync(offset + (_position - prefix.Length), buffer[..(int)Math.Min(buffer.Length, remaining)],
                cancellationToken).ConfigureAwait(false);
            _position += read;
            return read;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    }
}
