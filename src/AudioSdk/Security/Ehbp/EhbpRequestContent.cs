using System.Net;

namespace AudioSdk.Security.Ehbp;

/// <summary>
/// A request body sealed to the attested HPKE key as it is written: the original content is copied through an
/// <see cref="EhbpFrameWriter"/>, one frame per <see cref="EhbpProtocol.RequestFramePlaintext"/> bytes, sent chunked, each
/// frame written while the next is sealed.
/// Nothing is buffered beyond two frames. The original's headers (Content-Type) go out unchanged, its length does not.
/// </summary>
internal sealed class EhbpRequestContent(HttpContent inner, HpkeContext context) : SealedBodyContent(inner)
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? transport, CancellationToken cancellationToken)
    {
        // A fresh cipher from sequence 0 each time: a body serialized again (a connection retried) gives the same bytes.
        var writer = new EhbpFrameWriter(stream, context.CreateFrames(), EhbpProtocol.RequestFramePlaintext, overlapWrites: true);
        await using (writer.ConfigureAwait(false))
        {
            await Inner.CopyToAsync(writer, cancellationToken).ConfigureAwait(false);
            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            context.Dispose();
        }

        base.Dispose(disposing);
    }
}
