using System.Buffers;
using System.Net;

namespace AudioSdk.Internal.Http;

/// <summary>
/// A <c>multipart/form-data</c> upload, encoded once: the fields and the file part's headers (<paramref name="head"/>),
/// the file's bytes from <paramref name="source"/>, and the closing boundary (<paramref name="tail"/>). Each attempt
/// gets a fresh <see cref="HttpContent"/> over it.
/// </summary>
internal sealed class MultipartBody(byte[] head, byte[] tail, string contentType, AudioSource source)
{
    /// <summary>The file is read in 64 KiB blocks: one EHBP frame each, sealed in place when the body goes through EHBP.</summary>
    private const int BlockSize = 64 * 1024;
    private readonly string _contentType = contentType;

    /// <summary>The total size, when the file's size is known (it is sent as Content-Length, not chunked).</summary>
    public long? Length => source.Length is { } length ? head.Length + length + tail.Length : null;

    public bool IsReplayable => source.IsReplayable;

    public HttpContent CreateContent() => new Content(this);

    private async Task WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(head, cancellationToken).ConfigureAwait(false);
        if (source is MemorySource memory)
        {
            // Bytes in memory go to the socket as they are: no stream, no copy.
            await stream.WriteAsync(memory.Bytes, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var input = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
            var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
            try
            {
                int read;
                while ((read = await input.ReadAsync(buffer.AsMemory(0, BlockSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
                await input.DisposeAsync().ConfigureAwait(false);
            }
        }

        await stream.WriteAsync(tail, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One attempt's content; the caller's stream, when the source is one, is never disposed.</summary>
    private sealed class Content : HttpContent
    {
        private readonly MultipartBody _body;

        public Content(MultipartBody body)
        {
            _body = body;
            Headers.TryAddWithoutValidation("Content-Type", body._contentType);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            _body.WriteAsync(stream, CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            _body.WriteAsync(stream, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length ?? 0;
            return _body.Length.HasValue;
        }
    }
}
