using System.Net;

namespace AudioSdk.Security.Ehbp;

/// <summary>
/// A sealed response body, opened frame by frame as it is read (never buffered whole): each frame's plaintext is
/// handed out once its tag verified. The original's headers are kept except its length, which describes the ciphertext.
/// </summary>
internal sealed class EhbpResponseContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly FrameCipher _cipher;
    private readonly Func<string, Exception> _fail;

    public EhbpResponseContent(HttpContent inner, FrameCipher cipher, Func<string, Exception> fail)
    {
        _inner = inner;
        _cipher = cipher;
        _fail = fail;
        foreach (var header in inner.Headers)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new EhbpFrameReader(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _cipher, _fail);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var reader = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
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
            _cipher.Dispose();
        }

        base.Dispose(disposing);
    }
}
