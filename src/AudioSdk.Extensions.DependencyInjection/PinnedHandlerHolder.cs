using AudioSdk;
using AudioSdk.Security;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The pinned primary handler of one client name, when its options ask for pinning.</summary>
internal sealed class PinnedHandlerHolder : IDisposable
{
    public PinnedHandlerHolder(AudioClientOptions options)
    {
        // Built as the client builds its own: without an Endpoint, the router the attestation names is adopted
        // (requests are built on the handler's BaseAddress and moved there), and nothing goes to the default address.
        Handler = options.TlsPins.Count > 0 || options.Attestor is not null ? new PinnedHttpHandler(options) : null;
        Primary = Handler?.CreateRestHandler(options.AttestedTransport);
    }

    /// <summary>The pinned handler: realtime goes through it, and the EHBP stage attests through it.</summary>
    public PinnedHttpHandler? Handler { get; }

    /// <summary>The HttpClient's primary handler: the EHBP stage over the pinned handler's attestation when the options choose it (the
    /// default for an attestation with an HPKE key), else the pinned handler.</summary>
    public HttpMessageHandler? Primary { get; }

    public void Dispose()
    {
        if (!ReferenceEquals(Primary, Handler))
        {
            Primary?.Dispose();
        }

        Handler?.Dispose();
    }
}
