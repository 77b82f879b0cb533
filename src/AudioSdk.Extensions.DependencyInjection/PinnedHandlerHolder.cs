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

    public void Dispose() => Handler?.Dispose();
}
