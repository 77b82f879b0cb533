using System.Net;

namespace AudioSdk.Security.Ehbp;

/// <summary>
/// A sealed response body, opened frame by frame as it is read (never buffered whole): each frame's plaintext is
/// handed out once its tag verified. The original's headers are kept except its length, which describes the ciphertext.
/// </summary>
internal sealed class EhbpResponseContent(HttpContent inner, FrameCipher cipher, Func<string, Exception> fail) : SealedBodyContent(inner)
{
    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new EhbpFrameReader(await Inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cipher, fail);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var reader = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            cipher.Dispose();
        }

        base.Dispose(disposing);
    }
}
