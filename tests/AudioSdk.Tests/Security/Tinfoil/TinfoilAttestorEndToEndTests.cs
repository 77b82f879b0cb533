using System.Net.Security;
using AudioSdk.Audio;
using AudioSdk.Realtime;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Testing;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// The attestor against local HTTPS servers: one serves attestation documents built for each nonce (a synthetic AMD
/// chain injected through the testing seam, real Sigstore evidence), the other is the inference server whose key the
/// document binds. A good document lets the client transcribe; a changed report, another release's measurement or a
/// stale witness stops the client before any byte reaches the inference server.
/// </summary>
public sealed partial class TinfoilAttestorEndToEndTests
{
    private static readonly byte[] Wav = WavFile.Write(Enumerable.Range(0, 1600).Select(i => (float)(0.2 * Math.Sin(i / 5.0))).ToArray(), WavFormat.Pcm16Mono(16000));

    [Fact]
    public async Task VerifiedDocument_PinsTheServerKey_AndTheClientTranscribes()
    {
        await using var setup = await Setup.StartAsync(null, null);
        using var client = setup.Client();

        var result = await client.TranscribeAsync(AudioInput.FromBytes(Wav, "a.wav"), new TranscriptionOptions { Model = "whisper-1" });

        Assert.False(string.IsNullOrEmpty(result.Text));
        Assert.True(setup.Inference.ApplicationBytesReceived > 0);
        Assert.Equal(1, setup.DocumentsServed);
        Assert.Equal(64, setup.LastNonce!.Length);
    }

    [Fact]
    public async Task OneReportByteChanged_IsRefusedBeforeAnyRequestByte()
    {
        await using var setup = await Setup.StartAsync(null, report => report[0x90] ^= 1);
        await AssertRefusedAsync(setup, AttestationStage.Report);
    }

    [Fact]
    public async Task MeasurementOfAnotherRelease_IsRefusedBeforeAnyRequestByte()
    {
        await using var setup = await Setup.StartAsync(report => report[0x90] ^= 1, null);
        await AssertRefusedAsync(setup, AttestationStage.Measurement);
    }

    [Fact]
    public async Task ExpiredFreshnessWindow_IsRefusedBeforeAnyRequestByte()
    {
        await using var setup = await Setup.StartAsync(null, null, SyntheticEnclave.Time + TimeSpan.FromDays(8));
        await AssertRefusedAsync(setup, AttestationStage.Freshness);
    }

    [Fact]
    public async Task AnotherTlsKeyThanTheAttestedOne_IsRefusedDuringTheHandshake()
    {
        using var other = TestCertificates.CreateSelfSigned();
        await using var setup = await Setup.StartAsync(null, null, boundKey: other);
        using var client = setup.Client();

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => client.TranscribeAsync(AudioInput.FromBytes(Wav, "a.wav"), new TranscriptionOptions { Model = "whisper-1" }));

        Assert.NotNull(TlsPinMismatchException.Find(ex));
        Assert.Equal(0, setup.Inference.ApplicationBytesReceived);
    }

    [Fact]
    public async Task MissingVcek_WithUnreachableCollateralService_FailsAtFetchWithAClearError()
    {
        await using var setup = await Setup.StartAsync(null, null, withVcek: false);
        using var attestor = setup.Attestor(new Uri("http://127.0.0.1:1/"));

        var ex = await Assert.ThrowsAsync<AttestationException>(async () => await attestor.AttestAsync(setup.Inference.Endpoint, false, CancellationToken.None));

        Assert.Equal(AttestationStage.Fetch, ex.Stage);
        Assert.Equal("FETCH_FAILED", ex.Code);
        Assert.Contains($"the VCEK at http://127.0.0.1:1/vcek/v1/Genoa/{SyntheticEnclave.ChipIdHex} could not be fetched: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStalledCollateralService_TimesOut_OnTheInjectedClock()
    {
        await using var setup = await Setup.StartAsync(null, null, withVcek: false);
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start(); // connections wait in the backlog: no byte ever comes back
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        setup.Clock.TimerDivisor = 3600; // the attestor's one-hour fetch timeout fires after one second, if it uses the clock
        using var attestor = setup.Attestor(new Uri($"http://127.0.0.1:{port}/"), TimeSpan.FromHours(1));

        var ex = await Assert.ThrowsAsync<AttestationException>(async () => await attestor.AttestAsync(setup.Inference.Endpoint, false, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(AttestationStage.Fetch, ex.Stage);
        Assert.Equal("FETCH_TIMEOUT", ex.Code);
        Assert.Contains($"the VCEK at http://127.0.0.1:{port}/vcek/v1/Genoa/{SyntheticEnclave.ChipIdHex} did not arrive within 01:00:00", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingVcekAndCrl_AreFetchedFromTheCollateralService_AndCached()
    {
        await using var kds = new CollateralServer(new Dictionary<string, byte[]>
        {
            [$"/vcek/v1/Genoa/{SyntheticEnclave.ChipIdHex}"] = SyntheticEnclave.Instance.Vcek,
            ["/vcek/v1/Genoa/crl"] = SyntheticEnclave.Instance.Crl,
        });
        await using var setup = await Setup.StartAsync(null, null, withVcek: false, withCrl: false);
        using var attestor = setup.Attestor(kds.BaseAddress);

        var first = await attestor.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None);
        var second = await attestor.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None);

        Assert.Equal(TlsPin.Compute(setup.Certificate), Assert.Single(first.TlsPins));
        Assert.Equal(first.TlsPins, second.TlsPins);
        Assert.Equal(2, setup.DocumentsServed);
        Assert.Equal(2, kds.Requests); // one VCEK and one CRL, then both from the cache
    }

    [Fact]
    public async Task Realtime_GoesThroughTheAttestedPin_AndATamperedReportSendsNothing()
    {
        await using (var good = await Setup.StartAsync(null, null))
        {
            using var client = good.Client();
            await using var session = await client.StartRealtimeSessionAsync(new RealtimeSessionOptions { Model = "gpt-4o-transcribe", InputSampleRate = 24000 });
            var utterance = await session.TranscribeUtteranceAsync(Pcm16.ToBytes(Enumerable.Range(0, 12000).Select(i => (short)(Math.Sin(2 * Math.PI * 440 * i / 24000) * 9000)).ToArray()));
            Assert.Contains("440 Hz", utterance.Transcript, StringComparison.Ordinal);
        }

        await using var bad = await Setup.StartAsync(null, report => report[0x91] ^= 1);
        using var refused = bad.Client();
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var session = await refused.StartRealtimeSessionAsync(new RealtimeSessionOptions { Model = "gpt-4o-transcribe" });
        });
        // Refused by the attestor before the upgrade: the same typed failure a REST call gets, not wrapped.
        Assert.Equal(AttestationStage.Report, Assert.IsType<AttestationException>(ex).Stage);
        Assert.Equal(0, bad.Inference.ApplicationBytesReceived);
    }

    [Fact]
    public async Task Attestation_IsCachedUntilForcedRefresh()
    {
        await using var setup = await Setup.StartAsync(null, null);
        using var attestor = setup.Attestor(null);

        var first = await attestor.AttestAsync(setup.Inference.Endpoint, false, CancellationToken.None);
        var second = await attestor.AttestAsync(setup.Inference.Endpoint, false, CancellationToken.None);
        var third = await attestor.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None);

        Assert.Same(first, second);
        Assert.NotSame(first, third);
        Assert.Equal(2, setup.DocumentsServed);
        Assert.Equal(TlsPin.Compute(setup.Certificate), Assert.Single(third.TlsPins));
        Assert.Equal(SyntheticEnclave.Time + TimeSpan.FromHours(1), third.ValidUntil);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ClockAtAnEndOfTime_IsRefusedAtFreshness_NotWithAnArithmeticError(bool end)
    {
        await using var setup = await Setup.StartAsync(null, null, end ? DateTimeOffset.MaxValue : DateTimeOffset.MinValue);
        using var attestor = setup.Attestor(null);

        var ex = await Assert.ThrowsAsync<AttestationException>(async () => await attestor.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None));

        Assert.Equal(AttestationStage.Freshness, ex.Stage);
        Assert.Equal("FRESHNESS_EXPIRED", ex.Code);
        Assert.Equal(1, setup.DocumentsServed);
    }

    [Fact]
    public async Task UnboundedMaxAge_KeepsTheDocumentsOwnExpiry()
    {
        await using var setup = await Setup.StartAsync(null, null);
        using var attestor = setup.Attestor(null, maxAge: TimeSpan.MaxValue);

        var attested = await attestor.AttestAsync(setup.Inference.Endpoint, true, CancellationToken.None);

        // The earliest of the witnesses' windows, the CRL's nextUpdate and the VCEK's expiry: the code witness, 7 days after its log time.
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1786661878) + TimeSpan.FromDays(7), attested.ValidUntil);
    }

    [Fact]
    public void Constructor_ListsEveryOptionProblem_AndRefusesAFetchTimeoutNoTimerTakes()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TinfoilAttestor("a/b", new TinfoilAttestorOptions
        {
            FetchTimeout = TimeSpan.FromDays(50),
            MaxAge = TimeSpan.Zero,
            AttestationEndpoint = new Uri("http://example.com/"),
        }));

        Assert.Contains("FetchTimeout", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxAge", ex.Message, StringComparison.Ordinal);
        Assert.Contains("https", ex.Message, StringComparison.Ordinal);
        using var longest = new TinfoilAttestor("a/b", new TinfoilAttestorOptions { FetchTimeout = TimeSpan.FromDays(49) });
    }

    [Fact]
    public void Constructor_RefusesARepositoryThatIsNotOwnerSlashName()
    {
        Assert.Throws<ArgumentException>(() => new TinfoilAttestor("confidential-model-router"));
        Assert.Throws<ArgumentException>(() => new TinfoilAttestor("a/b", new TinfoilAttestorOptions { AttestationEndpoint = new Uri("http://example.com/") }));
    }

    private static async Task AssertRefusedAsync(Setup setup, AttestationStage stage)
    {
        using var client = setup.Client();

        var ex = await Assert.ThrowsAsync<AttestationException>(() => client.TranscribeAsync(AudioInput.FromBytes(Wav, "a.wav"), new TranscriptionOptions { Model = "whisper-1" }));

        Assert.Equal(stage, ex.Stage);
        Assert.Equal(1, setup.DocumentsServed);
        Assert.Equal(0, setup.Inference.ApplicationBytesReceived);
    }

    private sealed class Setup : IAsyncDisposable
    {
        private int _served;

        private Setup(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, AudioTestServer attestation, AudioTestServer inference, DateTimeOffset now)
        {
            Certificate = certificate;
            AttestationServer = attestation;
            Inference = inference;
            Clock = new FixedClock(now);
        }

        public System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate { get; }
        public AudioTestServer AttestationServer { get; }
        public AudioTestServer Inference { get; }
        public FixedClock Clock { get; }
        public int DocumentsServed => Volatile.Read(ref _served);
        public string? LastNonce { get; private set; }

        public static async Task<Setup> StartAsync(Action<byte[]>? beforeSigning, Action<byte[]>? afterSigning, DateTimeOffset? now = null,
            System.Security.Cryptography.X509Certificates.X509Certificate2? boundKey = null, bool withVcek = true, bool withCrl = true)
        {
            var certificate = TestCertificates.CreateSelfSigned();
            var bound = TlsPinBytes.Of(boundKey ?? certificate);
            Setup? setup = null;
            var attestation = await AudioTestServer.StartAsync(new AudioTestServerOptions
            {
                Certificate = certificate,
                AttestationDocument = nonce =>
                {
                    Interlocked.Increment(ref setup!._served);
                    setup.LastNonce = nonce;
                    return SyntheticEnclave.Instance.Document(nonce, bound, beforeSigning, afterSigning, withVcek, withCrl);
                },
            });
            var inference = await AudioTestServer.StartAsync(new AudioTestServerOptions { Certificate = certificate, ApiKey = "sk-test" });
            setup = new Setup(certificate, attestation, inference, now ?? SyntheticEnclave.Time);
            return setup;
        }

        public TinfoilAttestor Attestor(Uri? collateral, TimeSpan? fetchTimeout = null, TimeSpan? maxAge = null, Func<byte[]>? nonces = null, HttpMessageHandler? handler = null) => new(RealFrozenDocument.Repository, new TinfoilAttestorOptions
        {
            MaxAge = maxAge ?? TimeSpan.FromHours(1),
            AttestationEndpoint = new Uri(AttestationServer.BaseAddress, ".well-known/tinfoil-attestation"),
            CollateralEndpoint = collateral ?? new Uri("https://127.0.0.1:1/"),
            HttpHandler = handler ?? new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true } },
            TimeProvider = Clock,
            FetchTimeout = fetchTimeout ?? TimeSpan.FromSeconds(10),
        }, SyntheticEnclave.Instance.Trust, nonces);

        public AudioClient Client() => new(new AudioClientOptions
        {
            Endpoint = Inference.Endpoint,
            ApiKey = "sk-test",
            Attestor = Attestor(null),
            AttestedTransport = AttestedTransport.TlsPinning, // these tests are about the pin; EHBP is tested in Security/Ehbp
            TimeProvider = Clock,
            DangerousAllowSelfSignedLoopbackCertificatesForTesting = true,
        });

        public async ValueTask DisposeAsync()
        {
            await AttestationServer.DisposeAsync();
            await Inference.DisposeAsync();
            Certificate.Dispose();
        }
    }
}
