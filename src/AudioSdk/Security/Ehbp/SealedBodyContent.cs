namespace AudioSdk.Security.Ehbp;

/// <summary>
/// A body EHBP transforms (sealed on the way out, opened on the way in): it keeps the original's headers except its
/// length, which no longer describes the bytes, so the body is sent or read without one.
/// </summary>
internal abstract class SealedBodyContent : HttpContent
{
    protected SealedBodyContent(HttpContent inner)
    {
        Inner = inner;
        foreach (var header in inner.Headers)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
    }

    protected HttpContent Inner { get; }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
