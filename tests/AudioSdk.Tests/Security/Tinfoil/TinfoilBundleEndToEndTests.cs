using System.Net;
using System.Net.Sockets;
using AudioSdk.Audio;
using AudioSdk.Security;
using AudioSdk.Security.Ehbp;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Testing;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The bundle flow end to end over real HTTPS on 127.0.0.1: the test server serves a bundle on a synthetic AMD chain
/// (real Sigstore provenance of the captured release) and speaks EHBP; the client attests through
/// <see cref="TinfoilAttestor"/> itself and seals bodies to the HPKE key the report binds, or pins the TLS key.
/// </summary>
public sealed class TinfoilBundleEndToEndTests
{
    private const string Key = "sk-bundle";
    private static readonly byte[] Wav = WavFile.Write(Enumerable.Range(0, 16000).Select(i => (float)(0.2 * Math.Sin(i / 5.0))).ToArray(), WavFormat.Pcm16Mono(16000));

    [Fact]
    public async Task BundleFlow_SealsBodiesWithEhbp_ToTheKeyTheReportBinds()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Certificate = certificate, Ehbp = true, TinfoilBundle = true });
        using var attestor = server.CreateTinfoilAttestor();
        using var client = Client(server, attestor, AttestedTransport.Automatic);

        var result = await client.TranscribeAsync(AudioInput.FromBytes(Wav, "a.wav"), new TranscriptionOptions { Model = "whisper-1" });

        Assert.StartsWith("Segment 1", result.Text, StringComparison.Ordinal);
        var upload = Assert.Single(server.Requests, r => r.Method == "POST");
        Assert.True(upload.Headers.ContainsKey(EhbpProtocol.EncapsulatedKeyHeader));
        Assert.Equal(Wav.Length, upload.Audio!.Length);
        var attested = await attestor.AttestAsync(server.Endpoint, false, CancellationToken.None);
        Assert.True(attested.HpkePublicKey!.Value.Span.SequenceEqual(server.HpkePublicKey.Span));
        Assert.Equal(TlsPin.Compute(certificate), Assert.Single(attested.TlsPins));
    }

    [Fact]
    public async Task BundleFlow_WithTlsPinning_PinsTheKeyTheReportBinds()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Certificate = certificate, Ehbp = true, TinfoilBundle = true });
        using var attestor = server.CreateTinfoilAttestor();
        using var client = Client(server, attestor, AttestedTransport.TlsPinning);

        var result = await client.TranscribeAsync(AudioInput.FromBytes(Wav, "a.wav"), new TranscriptionOptions { Model = "whisper-1" });

        Assert.StartsWith("Segment 1", result.Text, StringComparison.Ordinal);
        var upload = Assert.Single(server.Requests, r => r.Method == "POST");
        Assert.False(upload.Headers.ContainsKey(EhbpProtocol.EncapsulatedKeyHeader));
    }

    [Fact]
    public async Task TheVerifiedBundle_IsCached_AndNamesTheRouterAsTheEndpoint()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { Certificate = certificate, Ehbp = true, TinfoilBundle = true });
        using var attestor = server.CreateTinfoilAttestor();

        var endpoint = await attestor.ResolveEndpointAsync();
        var first = await attestor.AttestAsync(server.Endpoint, false, CancellationToken.None);
        var second = await attestor.AttestAsync(server.Endpoint, false, CancellationToken.None);

        Assert.Equal(new Uri("https://localhost/v1/"), endpoint);
        Assert.Same(first, second);
        Assert.Equal(server.Endpoint.Authority, first.Authority);
    }

    [Fact]
    public async Task TheVerifiedBundle_LastsTheShorterOfMaxAgeAndItsCollateral_AndIsVerifiedAgainOnceExpired()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { Certificate = certificate, Ehbp = true, TinfoilBundle = true });
        var clock = new FixedClock(DateTimeOffset.UtcNow);
        using var shortLived = server.CreateTinfoilAttestor(new TinfoilAttestorOptions { TimeProvider = clock, MaxAge = TimeSpan.FromMinutes(10) });
        using var longLived = server.CreateTinfoilAttestor(new TinfoilAttestorOptions { TimeProvider = clock, MaxAge = TimeSpan.FromDays(365) });

        var first = await shortLived.AttestAsync(server.Endpoint, false, CancellationToken.None);
        Assert.Equal(clock.Now + TimeSpan.FromMinutes(10), first.ValidUntil);
        clock.Now += TimeSpan.FromMinutes(11);
        var again = await shortLived.AttestAsync(server.Endpoint, false, CancellationToken.None);
        Assert.Equal(clock.Now + TimeSpan.FromMinutes(10), again.ValidUntil);

        // The synthetic AMD CRL is current for seven days from the server's start: it, not MaxAge, bounds the result.
        var capped = await longLived.AttestAsync(server.Endpoint, false, CancellationToken.None);
        Assert.InRange(capped.ValidUntil!.Value, clock.Now + TimeSpan.FromDays(6), clock.Now + TimeSpan.FromDays(7));
    }

    [Fact]
    public async Task TheDocumentFlow_NamesNoRouter()
    {
        using var attestor = new TinfoilAttestor("tinfoilsh/confidential-model-router");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await attestor.ResolveEndpointAsync());

        Assert.Contains("Endpoint", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStalledAttestationService_TimesOut_OnTheInjectedClock()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start(); // connections wait in the backlog: no byte ever comes back
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var clock = new FixedClock(DateTimeOffset.UtcNow) { TimerDivisor = 3600 };
        using var attestor = new TinfoilAttestor("tinfoilsh/confidential-model-router", new TinfoilAttestorOptions
        {
            Flow = TinfoilAttestationFlow.Bundle,
            AttestationBundleEndpoint = new Uri($"https://127.0.0.1:{port}/"),
            FetchTimeout = TimeSpan.FromHours(1),
            TimeProvider = clock,
        });

        var ex = await Assert.ThrowsAsync<AttestationException>(async () => await attestor.AttestAsync(new Uri("https://127.0.0.1:1/v1"), false, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal((AttestationStage.Fetch, "FETCH_TIMEOUT"), (ex.Stage, ex.Code));
        Assert.Contains("attestation bundle", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABundleServiceThatIsNotHttps_IsRefusedWhenTheAttestorIsCreated()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TinfoilAttestor("tinfoilsh/confidential-model-router", new TinfoilAttestorOptions { AttestationBundleEndpoint = new Uri("http://127.0.0.1:1/") }));

        Assert.Contains("AttestationBundleEndpoint", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUndefinedFlow_IsRefusedWhenTheAttestorIsCreated()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TinfoilAttestor("tinfoilsh/confidential-model-router", new TinfoilAttestorOptions { Flow = (TinfoilAttestationFlow)7 }));

        Assert.Contains("Flow 7 is not a TinfoilAttestationFlow.", ex.Message, StringComparison.Ordinal);
    }

    private static AudioClient Client(AudioTestServer server, TinfoilAttestor attestor, AttestedTransport transport) => new(new AudioClientOptions
    {
        Endpoint = server.Endpoint,
        ApiKey = Key,
        Attestor = attestor,
        AttestedTransport = transport,
        DangerousAllowSelfSignedLoopbackCertificatesForTesting = true,
    });
}
