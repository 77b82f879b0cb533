using System.Net;

namespace AudioSdk.Security.Ehbp;

/// <summary>
/// A request body sealed to the attested HPKE key as it is written: the original content is copied through an
/// <see cref="EhbpFrameWriter"/>, one frame per <see cref="EhbpProtocol.RequestFramePlaintext"/> bytes, sent chunked.
/// Nothing is buffered beyond one frame. The original's headers (Content-Type) go out unchanged, its length does not.
/// </summary>
internal sealed class EhbpRequestContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly HpkeContext _context;

    public EhbpRequestContent(HttpContent inner, HpkeContext context)
    {
        _inner = inner;
        _context = context;
        foreach (var header in inner.Headers)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var writer = new EhbpFrameWriter(stream, _context.CreateFrames(), EhbpProtocol.RequestFramePlaintext);
        await using (writer.ConfigureAwait(false))
        {
            await _inner.CopyToAsync(writer, cancellationToken).ConfigureAwait(false);
            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _context.Dispose();
        }

        base.Dispose(disposing);
    }
}
