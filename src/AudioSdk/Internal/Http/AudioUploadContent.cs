using System.Buffers;
using System.Net;

namespace AudioSdk.Internal.Http;

/// <summary>
/// The file part of a multipart upload. Copies from the source in 80 KiB pooled blocks as the socket
/// takes them, so memory stays flat whatever the file's size; the caller's stream is never disposed.
/// </summary>
internal sealed class AudioUploadContent : HttpContent
{
    private const int BlockSize = 81920;
    private readonly AudioSource _source;

    public AudioUploadContent(AudioSource source, string contentType)
    {
        _source = source;
        Headers.TryAddWithoutValidation("Content-Type", contentType);
    }

    /// <summary>Bytes written to the wire by this content so far.</summary>
    public long BytesSent { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var source = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, BlockSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                BytesSent += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await source.DisposeAsync().ConfigureAwait(false);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _source.Length ?? 0;
        return _source.Length.HasValue;
    }
}
