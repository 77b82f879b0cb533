using AudioSdk;
using AudioSdk.Security;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The pinned primary handler of one client name, when its options ask for pinning.</summary>
internal sealed class PinnedHandlerHolder : IDisposable
{
    public PinnedHandlerHolder(AudioClientOptions options)
    {
        Handler = options.TlsPins.Count > 0 || options.Attestor is not null
            ? new PinnedHttpHandler(
                options.Endpoint ?? AudioClientOptions.DefaultEndpoint,
                options.Attestor ?? new StaticPinAttestor(options.TlsPins),
                options.ConfigurePinnedHandler,
                options.DangerousAllowSelfSignedLoopbackCertificatesForTesting,
                options.TimeProvider)
            : null;
        Ehbp = AudioClient.CreateEhbpHandler(options, Handler);
    }

    public PinnedHttpHandler? Handler { get; }

    /// <summary>The EHBP stage over the pinned handler's attestation, when the options choose EHBP (the default for an attestation with an HPKE key).</summary>
    public AudioSdk.Security.Ehbp.EhbpHttpHandler? Ehbp { get; }

    /// <summary>The HttpClient's primary handler: the EHBP stage when chosen, else the pinned handler.</summary>
    public HttpMessageHandler? Primary => (HttpMessageHandler?)Ehbp ?? Handler;

    public void Dispose()
    {
        Ehbp?.Dispose();
        Handler?.Dispose();
    }
}
