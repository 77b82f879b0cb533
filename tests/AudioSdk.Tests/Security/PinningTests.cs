using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AudioSdk.Realtime;
using AudioSdk.Security;
using AudioSdk.Speech;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.Security;

/// <summary>Pinning over real TLS: Kestrel HTTPS/WSS on 127.0.0.1 with certificates generated here, counting the application bytes it receives.</summary>
public sealed class PinningTests : IAsyncLifetime
{
    private const string Key = "sk-pinned-secret";
    private static readonly TlsPin WrongPin = TlsPin.FromBytes(SHA256.HashData("not this key"u8));
    private readonly X509Certificate2 _certificate = TestCertificates.CreateSelfSigned();
    private AudioTestServer _server = null!;

    private TlsPin RightPin => TlsPin.Compute(_certificate);

    public async Task InitializeAsync() =>
        _server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Certificate = _certificate });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _certificate.Dispose();
    }

    private AudioClient Client(Action<AudioClientOptions> configure)
    {
        var options = new AudioClientOptions { Endpoint = _server.Endpoint, ApiKey = Key, Retry = AudioClientRetryOptions.None, DangerousAllowSelfSignedLoopbackCertificatesForTesting = true };
        configure(options);
        return new AudioClient(options);
    }

    private static AudioInput Wav() => AudioInput.FromBytes(TestAudio.SineWav(0.5));

    [Fact]
    public async Task RightPin_Works_ForEveryOperation()
    {
        using var client = Client(o => o.TlsPins.Add(RightPin));

        Assert.StartsWith("Segment 1", (await client.TranscribeAsync(Wav(), new TranscriptionOptions { Model = "whisper-1" })).Text);
        Assert.True((await client.GenerateSpeechAsync("Hi", new SpeechOptions { Model = "tts-1", Voice = "alloy", ResponseFormat = SpeechFormat.Wav })).Audio.Length > 44);
        Assert.NotEmpty(await client.ListModelsAsync());
        await using var rt = await client.StartRealtimeSessionAsync(new RealtimeSessionOptions { Model = "gpt-4o-transcribe", InputSampleRate = 24000 });
        Assert.Equal("Heard 0.50 seconds at 440 Hz.", (await rt.TranscribeUtteranceAsync(AudioSdk.Audio.Pcm16.ToBytes(Enumerable.Range(0, 12000).Select(i => (short)(Math.Sin(2 * Math.PI * 440 * i / 24000) * 9000)).ToArray()))).Transcript);
        Assert.True(_server.ApplicationBytesReceived > 0);
    }

    public static TheoryData<string> Operations => ["transcription", "speech", "models", "realtime"];

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task WrongPin_SendsNothing_AndSaysWhichKeyItSaw(string operation)
    {
        using var client = Client(o => o.TlsPins.Add(WrongPin));

        var ex = await Assert.ThrowsAsync<TlsPinMismatchException>(async () =>
        {
            switch (operation)
            {
                case "transcription": await client.TranscribeAsync(Wav(), new TranscriptionOptions { Model = "whisper-1" }); break;
                case "speech": await client.GenerateSpeechAsync("Hi", new SpeechOptions { Model = "tts-1", Voice = "alloy" }); break;
                case "models": await client.ListModelsAsync(); break;
                default: await using (await client.StartRealtimeSessionAsync(new RealtimeSessionOptions { Model = "gpt-4o-transcribe" })) { } break;
            }
        });

        Assert.Equal(0, _server.ApplicationBytesReceived);
        Assert.InRange(_server.ConnectionCount, 1, 2); // the server finished its side of the handshake; the client refused before sending
        Assert.Empty(_server.Requests);
        Assert.Equal($"127.0.0.1:{_server.Endpoint.Port}", ex.Authority);
        Assert.Equal([WrongPin.ToString()], ex.ExpectedPins);
        Assert.Equal(RightPin.ToString(), ex.ActualPin);
        Assert.DoesNotContain(Key, ex.ToString());
    }

    [Fact]
    public async Task WithoutTheTestSwitch_ASelfSignedChainIsRefused_EvenWithTheRightPin()
    {
        using var client = Client(o =>
        {
            o.TlsPins.Add(RightPin);
            o.DangerousAllowSelfSignedLoopbackCertificatesForTesting = false;
        });

        var ex = await Assert.ThrowsAsync<AudioTransportException>(() => client.ListModelsAsync());
        Assert.Equal(HttpRequestError.SecureConnectionError, ex.HttpRequestError);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Equal(0, _server.ApplicationBytesReceived);
    }

    [Fact]
    public async Task ServerChangingItsKey_TriggersOneReattestation_AndOneRetry()
    {
        _server.Options.CloseConnectionAfterEachResponse = true;
        var attestor = new CountingAttestor(() => TlsPin.Compute(_server.Options.Certificate!));
        using var client = Client(o => o.Attestor = attestor);

        await client.ListModelsAsync();
        using var next = TestCertificates.CreateSelfSigned();
        _server.Options.Certificate = next;
        var t = await client.TranscribeAsync(Wav(), new TranscriptionOptions { Model = "whisper-1" });

        Assert.Equal(2, attestor.Calls);
        Assert.Equal([false, true], attestor.Forced);
        Assert.Equal(2, _server.Requests.Count);
        Assert.StartsWith("Segment 1", t.Text);
    }

    [Fact]
    public async Task NonReplayableBody_IsNotRetried_AfterAKeyChange()
    {
        _server.Options.CloseConnectionAfterEachResponse = true;
        var attestor = new CountingAttestor(() => TlsPin.Compute(_server.Options.Certificate!));
        using var client = Client(o => o.Attestor = attestor);
        await client.ListModelsAsync();
        using var next = TestCertificates.CreateSelfSigned();
        _server.Options.Certificate = next;
        var before = _server.ApplicationBytesReceived;

        using var once = new GeneratedWavStream(16_044, seekable: false);
        await Assert.ThrowsAsync<TlsPinMismatchException>(() => client.TranscribeAsync(AudioInput.FromStream(once, "once.wav"), new TranscriptionOptions { Model = "whisper-1" }));

        Assert.Equal(1, attestor.Calls);
        Assert.Equal(before, _server.ApplicationBytesReceived);
        await client.ListModelsAsync();
        Assert.Equal(2, attestor.Calls);
    }

    [Fact]
    public async Task TenConcurrentFirstRequests_CauseOneAttestation()
    {
        var attestor = new CountingAttestor(() => RightPin, TimeSpan.FromMilliseconds(200));
        using var client = Client(o => o.Attestor = attestor);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.ListModelsAsync()));

        Assert.Equal(1, attestor.Calls);
        Assert.Equal(10, _server.Requests.Count);
    }

    [Fact]
    public async Task ExpiredAttestation_IsRenewedBeforeUse()
    {
        var clock = new ManualTimeProvider();
        var attestor = new CountingAttestor(() => RightPin, validFor: TimeSpan.FromMinutes(1), clock: clock);
        using var client = Client(o =>
        {
            o.Attestor = attestor;
            o.TimeProvider = clock;
        });

        await client.ListModelsAsync();
        await client.ListModelsAsync();
        Assert.Equal(1, attestor.Calls);
        clock.Advance(TimeSpan.FromMinutes(2));
        await client.ListModelsAsync();

        Assert.Equal(2, attestor.Calls);
        Assert.Equal([false, false], attestor.Forced);
    }

    [Fact]
    public async Task FailedAttestation_IsTyped_AndSendsNothing()
    {
        using var client = Client(o => o.Attestor = new FailingAttestor());
        var ex = await Assert.ThrowsAsync<AttestationException>(() => client.ListModelsAsync());
        Assert.Equal(AttestationStage.Verify, ex.Stage);
        Assert.Equal(0, _server.ConnectionCount);

        using var broken = Client(o => o.Attestor = new CountingAttestor(() => throw new InvalidOperationException("report unreadable")));
        var wrapped = await Assert.ThrowsAsync<AttestationException>(() => broken.ListModelsAsync());
        Assert.Equal(AttestationStage.Attestor, wrapped.Stage);
        Assert.IsType<InvalidOperationException>(wrapped.InnerException);
    }

    [Fact]
    public async Task OtherAuthorities_AreRefused()
    {
        using var handler = new PinnedHttpHandler(_server.Endpoint, new StaticPinAttestor([RightPin]), dangerousAllowSelfSignedLoopbackCertificatesForTesting: true);
        using var http = new HttpClient(handler);

        var ex = await Assert.ThrowsAsync<AttestationException>(() => http.GetAsync(new Uri($"https://localhost:{_server.Endpoint.Port}/v1/models")));
        Assert.Equal(AttestationStage.Authority, ex.Stage);
        await Assert.ThrowsAsync<AttestationException>(() => http.GetAsync(new Uri($"https://127.0.0.1:{_server.Endpoint.Port + 1}/v1/models")));
        Assert.Equal(0, _server.ConnectionCount);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri(_server.Endpoint + "/models"))).StatusCode);
    }

    [Fact]
    public async Task CallersHttpClient_WithPins_IsRefused_ButAPinnedHandlerPlugsIn()
    {
        using var plain = new HttpClient();
        var ex = Assert.Throws<ArgumentException>(() => new AudioClient(plain, new AudioClientOptions { Endpoint = _server.Endpoint, TlsPins = { RightPin } }));
        Assert.Contains("PinnedHttpHandler", ex.Message);

        using var pinned = new PinnedHttpHandler(_server.Endpoint, new StaticPinAttestor([RightPin]), dangerousAllowSelfSignedLoopbackCertificatesForTesting: true);
        using var http = new HttpClient(pinned, disposeHandler: false) { BaseAddress = _server.Endpoint, Timeout = Timeout.InfiniteTimeSpan };
        using var client = new AudioClient(http, new AudioClientOptions { ApiKey = Key, HttpHandler = pinned });
        await client.ListModelsAsync();
        await using var rt = await client.StartRealtimeSessionAsync(new RealtimeSessionOptions { Dialect = RealtimeDialect.VllmNative, Model = "voxtral-mini-4b-realtime" });
        Assert.Equal(1, pinned.AttestationCount);
    }

    [Fact]
    public void Options_AreValidated()
    {
        var both = Assert.Throws<ArgumentException>(() => new AudioClient(new AudioClientOptions { Endpoint = _server.Endpoint, TlsPins = { RightPin }, Attestor = new StaticPinAttestor([RightPin]) }));
        Assert.Contains("not both", both.Message);
        var http = Assert.Throws<ArgumentException>(() => new AudioClient(new AudioClientOptions { Endpoint = new Uri("http://127.0.0.1:1/v1"), TlsPins = { RightPin } }));
        Assert.Contains("https", http.Message);
        Assert.Throws<ArgumentException>(() => TlsPin.FromHex("abcd"));
        Assert.Throws<ArgumentException>(() => TlsPin.FromHex(new string('z', 64)));
        Assert.Throws<ArgumentException>(() => TlsPin.FromBytes(new byte[31]));
        Assert.Throws<ArgumentException>(() => new StaticPinAttestor([]));
        Assert.Equal(RightPin, TlsPin.FromHex(RightPin.ToString().ToUpperInvariant()));
    }

    [Fact]
    public void Fingerprint_EqualsOneComputedIndependently_FromTheRawSubjectPublicKeyInfo()
    {
        var certificate = new AsnReader(_certificate.RawData, AsnEncodingRules.DER).ReadSequence();
        var tbs = certificate.ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
        {
            tbs.ReadEncodedValue();
        }

        tbs.ReadEncodedValue(); // serialNumber
        tbs.ReadEncodedValue(); // signature
        tbs.ReadEncodedValue(); // issuer
        tbs.ReadEncodedValue(); // validity
        tbs.ReadEncodedValue(); // subject
        var spki = tbs.ReadEncodedValue();

        Assert.Equal(Convert.ToHexString(SHA256.HashData(spki.Span)).ToLowerInvariant(), RightPin.ToString());
        Assert.NotEqual(Convert.ToHexString(SHA256.HashData(_certificate.RawData)).ToLowerInvariant(), RightPin.ToString());
        Assert.NotEqual(Convert.ToHexString(SHA256.HashData(_certificate.GetPublicKey())).ToLowerInvariant(), RightPin.ToString());
    }

    private sealed class CountingAttestor(Func<TlsPin> pin, TimeSpan? delay = null, TimeSpan? validFor = null, TimeProvider? clock = null) : IEndpointAttestor
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public List<bool> Forced { get; } = [];

        public async ValueTask<AttestedEndpoint> AttestAsync(Uri endpoint, bool forceRefresh, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            lock (Forced)
            {
                Forced.Add(forceRefresh);
            }

            if (delay is { } d)
            {
                await Task.Delay(d, cancellationToken);
            }

            DateTimeOffset? until = validFor is { } v ? (clock ?? TimeProvider.System).GetUtcNow() + v : null;
            return new AttestedEndpoint(endpoint.Authority, [pin()], validUntil: until);
        }
    }

    private sealed class FailingAttestor : IEndpointAttestor
    {
        public ValueTask<AttestedEndpoint> AttestAsync(Uri endpoint, bool forceRefresh, CancellationToken cancellationToken) =>
            throw new AttestationException("The report's signature does not verify.", AttestationStage.Verify);
    }
}
