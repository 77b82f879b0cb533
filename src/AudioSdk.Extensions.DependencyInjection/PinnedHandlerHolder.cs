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

    /// <summary>A copy for <c>new AudioClient(HttpClient, options)</c>: pins moved into the handler, which also carries the realtime socket.</summary>
    public static AudioClientOptions WithoutPins(AudioClientOptions source, HttpMessageHandler? handler)
    {
        var copy = new AudioClientOptions
        {
            Endpoint = source.Endpoint,
            ApiKey = source.ApiKey,
            Organization = source.Organization,
            Project = source.Project,
            NetworkTimeout = source.NetworkTimeout,
            StreamIdleTimeout = source.StreamIdleTimeout,
            Retry = source.Retry,
            HttpHandler = handler ?? source.HttpHandler,
            ApplicationId = source.ApplicationId,
            LoggerFactory = source.LoggerFactory,
            TimeProvider = source.TimeProvider,
        };
        foreach (var header in source.DefaultHeaders)
        {
            copy.DefaultHeaders[header.Key] = header.Value;
        }

        return copy;
    }

    public void Dispose()
    {
        Ehbp?.Dispose();
        Handler?.Dispose();
    }
}
