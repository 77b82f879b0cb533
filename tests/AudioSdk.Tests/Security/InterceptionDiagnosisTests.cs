using System.Security.Cryptography.X509Certificates;
using AudioSdk.Realtime;
using AudioSdk.Security;
using AudioSdk.Testing;
using AudioSdk.Tests.Security.Ehbp;

namespace AudioSdk.Tests.Security;

/// <summary>
/// A pin mismatch that looks like TLS interception says so: through a TLS-inspecting proxy whose generated CA the
/// machine trusts (real TLS on 127.0.0.1), the certificate is valid for the host and chains to a trusted root but
/// carries the proxy's key. REST and realtime alike name the alternative; a self-signed impostor does not.
/// </summary>
public sealed class InterceptionDiagnosisTests() : InterceptedOrigin(Key)
{
    private const string Key = "sk-intercepted";

    [Theory]
    [InlineData("rest")]
    [InlineData("realtime")]
    public async Task APinMismatchBehindAnInspectingProxy_SaysItLooksLikeInterception_AndNamesEhbp(string operation)
    {
        using var client = Client(throughProxy: true);

        var ex = await Assert.ThrowsAsync<TlsPinMismatchException>(async () =>
        {
            if (operation == "rest")
            {
                await client.ListModelsAsync();
            }
            else
            {
                await using (await client.StartRealtimeSessionAsync(new RealtimeSessionOptions { Model = "gpt-4o-transcribe" }))
                {
                }
            }
        });

        Assert.True(ex.LooksLikeInterception);
        Assert.Contains("looks like TLS interception", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AttestedTransport.Ehbp", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, Origin.ApplicationBytesReceived);
        Assert.Empty(Proxy.ClientToOrigin);
    }

    [Fact]
    public async Task ASelfSignedImpostor_IsAPlainMismatch()
    {
        using var client = Client(throughProxy: false, pin: TlsPin.FromBytes(new byte[32]));

        var ex = await Assert.ThrowsAsync<TlsPinMismatchException>(() => client.ListModelsAsync());

        Assert.False(ex.LooksLikeInterception);
        Assert.DoesNotContain("interception", ex.Message, StringComparison.Ordinal);
    }

    private AudioClient Client(bool throughProxy, TlsPin? pin = null) => new(new AudioClientOptions
    {
        Endpoint = Origin.Endpoint,
        ApiKey = Key,
        Retry = AudioClientRetryOptions.None,
        Attestor = new StaticPinAttestor([pin ?? TlsPin.Compute(Certificate)], Origin.HpkePublicKey),
        AttestedTransport = AttestedTransport.TlsPinning,
        DangerousAllowSelfSignedLoopbackCertificatesForTesting = !throughProxy,
        ConfigurePinnedHandler = h =>
        {
            if (throughProxy)
            {
                ThroughProxy(h);

                // A managed machine: the proxy's CA is a trusted root.
                h.SslOptions.CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    RevocationMode = X509RevocationMode.NoCheck,
                    CustomTrustStore = { Proxy.Ca },
                };
            }
        },
    });
}
