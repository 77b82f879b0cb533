using AudioSdk;
using AudioSdk.Security;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The pinned primary handler of one client name, when its options ask for pinning.</summary>
internal sealed class PinnedHandlerHolder(AudioClientOptions options) : IDisposable
{
    public PinnedHttpHandler? Handler { get; } = options.TlsPins.Count > 0 || options.Attestor is not null
        ? new PinnedHttpHandler(
            options.Endpoint ?? AudioClientOptions.DefaultEndpoint,
            options.Attestor ?? new StaticPinAttestor(options.TlsPins),
            options.ConfigurePinnedHandler,
            options.DangerousAllowSelfSignedLoopbackCertificatesForTesting,
            options.TimeProvider)
        : null;

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

    public void Dispose() => Handler?.Dispose();
}
