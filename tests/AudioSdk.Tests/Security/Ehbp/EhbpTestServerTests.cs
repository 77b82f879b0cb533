using System.Security.Cryptography.X509Certificates;
using AudioSdk.Realtime;
using AudioSdk.Security;
using AudioSdk.Security.Ehbp;
using AudioSdk.Speech;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;

namespace AudioSdk.Tests.Security.Ehbp;

/// <summary>The whole client over EHBP against AudioSdk.Testing's EHBP server: real Kestrel, real TLS, every operation.</summary>
public sealed class EhbpTestServerTests : IAsyncLifetime
{
    private const string Key = "sk-ehbp-secret";
    private readonly X509Certificate2 _certificate = TestCertificates.CreateSelfSigned();
    private AudioTestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Certificate = _certificate, Ehbp = true });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _certificate.Dispose();
    }

    private AudioClient Client(AttestedTransport transport = AttestedTransport.Automatic) => new(new AudioClientOptions
    {
        Endpoint = _server.Endpoint,
        ApiKey = Key,
        Retry = AudioClientRetryOptions.None,
        DangerousAllowSelfSignedLoopbackCertificatesForTesting = true,
        Attestor = new StaticPinAttestor([TlsPin.Compute(_certificate)], _server.HpkePublicKey),
        AttestedTransport = transport,
    });

    private static AudioInput Wav(double seconds = 0.5) => AudioInput.FromBytes(TestAudio.SineWav(seconds), "a.wav");

    [Fact]
    public async Task EveryRestOperation_IsSealed_AndAnswered()
    {
        using var client = Client();

        Assert.StartsWith("Segment 1", (await client.TranscribeAsync(Wav(), new TranscriptionOptions { Model = "whisper-1" })).Text);
        Assert.StartsWith("WEBVTT", (await client.TranscribeToTextAsync(Wav(), new TranscriptionOptions { Model = "whisper-1", ResponseFormat = TranscriptionFormat.Vtt })).Text);
        Assert.False(string.IsNullOrEmpty((await client.TranslateAsync(Wav(), new TranslationOptions { Model = "whisper-1" })).Text));
        var speech = await client.GenerateSpeechAsync("Hello there", new SpeechOptions { Model = "tts-1", Voice = "alloy", ResponseFormat = SpeechFormat.Wav });
        Assert.True(speech.Audio.Length > 44);

        long raw = 0;
        await foreach (var chunk in client.StreamSpeechAsync("Hello there", new SpeechOptions { Model = "tts-1", Voice = "alloy", ResponseFormat = SpeechFormat.Pcm }))
        {
            raw += chunk.Length;
        }

        Assert.True(raw > 0);
        long sse = 0;
        await foreach (var chunk in client.StreamSpeechAsync("Hello there", new SpeechOptions { Model = "gpt-4o-mini-tts", Voice = "alloy", ResponseFormat = SpeechFormat.Pcm, StreamFormat = SpeechStreamFormat.Sse }))
        {
            sse += chunk.Length;
        }

        Assert.True(sse > 0);
        var updates = new List<TranscriptionUpdate>();
        await foreach (var update in client.TranscribeStreamingAsync(Wav(), new TranscriptionOptions { Model = "gpt-4o-transcribe" }))
        {
            updates.Add(update);
        }

        Assert.Equal(TranscriptionUpdateKind.Done, updates[^1].Kind);
        Assert.NotEmpty(await client.ListModelsAsync());

        var posts = _server.Requests.Where(r => r.Method == "POST").ToList();
        Assert.Equal(7, posts.Count);
        Assert.All(posts, r => Assert.True(r.Headers.ContainsKey(EhbpProtocol.EncapsulatedKeyHeader), r.Path));
        Assert.All(_server.Requests.Where(r => r.Method == "GET"), r => Assert.False(r.Headers.ContainsKey(EhbpProtocol.EncapsulatedKeyHeader)));
        Assert.Contains(posts, r => r.JsonBody?.Contains("Hello there", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task LongForm_NonSeekableUpload_GoesThroughInFrames()
    {
        using var client = Client();
        var wav = TestAudio.SineWav(3);

        var result = await client.TranscribeAsync(AudioInput.FromStream(new ForwardOnlyStream(new MemoryStream(wav)), "a.wav", "audio/wav"), new TranscriptionOptions { Model = "whisper-1" });

        Assert.StartsWith("Segment 1", result.Text);
        var upload = Assert.Single(_server.Requests, r => r.Method == "POST");
        Assert.Equal(wav.Length, upload.Audio!.Length);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(wav)), upload.Audio.Sha256, ignoreCase: true);
    }

    [Fact]
    public async Task AnHttpClientBuiltElsewhere_OverCreateRestHandler_SealsRest_AndRealtimeStaysPinned()
    {
        // What the DI package does with IHttpClientFactory, through public API only.
        using var pinned = new PinnedHttpHandler(_server.Endpoint, new StaticPinAttestor([TlsPin.Compute(_certificate)], _server.HpkePublicKey), dangerousAllowSelfSignedLoopbackCertificatesForTesting: true);
        using var rest = pinned.CreateRestHandler(AttestedTransport.Automatic);
        using var http = new HttpClient(rest, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new AudioClient(http, new AudioClientOptions { Endpoint = _server.Endpoint, ApiKey = Key, HttpHandler = pinned, Retry = AudioClientRetryOptions.None });

        Assert.StartsWith("Segment 1", (await client.TranscribeAsync(Wav(), new TranscriptionOptions { Model = "whisper-1" })).Text);
        await using (await client.StartRealtimeSessionAsync(new RealtimeSessionOptions { Model = "gpt-4o-transcribe", InputSampleRate = 24000 }))
        {
        }

        Assert.NotSame(pinned, rest);
        Assert.True(Assert.Single(_server.Requests, r => r.Method == "POST").Headers.ContainsKey(EhbpProtocol.EncapsulatedKeyHeader));
        Assert.Equal(1, pinned.AttestationCount);
        Assert.Same(pinned, pinned.CreateRestHandler(AttestedTransport.TlsPinning));
        Assert.Equal("transport", Assert.Throws<ArgumentOutOfRangeException>(() => pinned.CreateRestHandler((AttestedTransport)42)).ParamName);
    }

    [Fact]
    public void CreateRestHandler_Automatic_OverStaticPinsWithoutAKey_IsThePinnedHandler()
    {
        using var pinned = new PinnedHttpHandler(_server.Endpoint, new StaticPinAttestor([TlsPin.Compute(_certificate)]));

        Assert.Same(pinned, pinned.CreateRestHandler());
        using var ehbp = pinned.CreateRestHandler(AttestedTransport.Ehbp);
        Assert.IsType<EhbpHttpHandler>(ehbp);
    }

    [Fact]
    public async Task Realtime_StaysPinned_UnderEhbp()
    {
        using var client = Client();

        await using var rt = await client.StartRealtimeSessionAsync(new RealtimeSessionOptions { Model = "gpt-4o-transcribe", InputSampleRate = 24000 });

        Assert.NotNull(rt);
    }

    [Fact]
    public async Task TlsPinning_OnRequest_SendsPlainBodies()
    {
        using var client = Client(AttestedTransport.TlsPinning);

        Assert.StartsWith("Segment 1", (await client.TranscribeAsync(Wav(), new TranscriptionOptions { Model = "whisper-1" })).Text);

        Assert.False(Assert.Single(_server.Requests).Headers.ContainsKey(EhbpProtocol.EncapsulatedKeyHeader));
    }

    [Fact]
    public async Task AttestedKeyOtherThanTheServers_GetsKeyConfig422_AndFailsAfterOneReattestation()
    {
        var (_, other) = Hpke.GenerateKeyPair();
        using var client = new AudioClient(new AudioClientOptions
        {
            Endpoint = _server.Endpoint,
            ApiKey = Key,
            Retry = AudioClientRetryOptions.None,
            DangerousAllowSelfSignedLoopbackCertificatesForTesting = true,
            HttpHandler = new EhbpHttpHandler(_server.Endpoint, new StaticPinAttestor([TlsPin.Compute(_certificate)], other), EhbpHttpHandler.CreateTransport(null, true), null, TimeProvider.System),
        });

        // The key config check refuses first: the served key is not the attested one.
        var ex = await Assert.ThrowsAsync<AttestationException>(() => client.TranscribeAsync(Wav(), new TranscriptionOptions { Model = "whisper-1" }));

        Assert.Equal(AttestationStage.Binding, ex.Stage);
        Assert.Equal(EhbpHttpHandler.KeyBindingMismatchCode, ex.Code);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task ServerOpensNothingSealedToAnotherKey_Answering422KeyConfig()
    {
        var (_, other) = Hpke.GenerateKeyPair();
        using var hpke = Hpke.SetupSender(other, EhbpProtocol.RequestInfo, out var enc);
        var body = HpkeVectorTests.Seal(hpke.CreateFrames(), "{\"model\":\"tts-1\"}"u8.ToArray());
        using var http = new HttpClient(EhbpHttpHandler.CreateTransport(null, true));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.Endpoint + "/audio/speech")) { Content = new ByteArrayContent(body) };
        request.Headers.Add("Authorization", "Bearer " + Key);
        request.Headers.Add(EhbpProtocol.EncapsulatedKeyHeader, Convert.ToHexString(enc).ToLowerInvariant());

        using var response = await http.SendAsync(request);

        Assert.Equal(422, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("urn:ietf:params:ehbp:error:key-config", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains(EhbpProtocol.ResponseNonceHeader));
    }

    [Fact]
    public async Task KeyConfig_IsServedAsTheAttestedKey()
    {
        using var http = new HttpClient(EhbpHttpHandler.CreateTransport(null, true));

        using var response = await http.GetAsync(new Uri(_server.BaseAddress, ".well-known/hpke-keys"));

        Assert.Equal("application/ohttp-keys", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(_server.HpkePublicKey.ToArray(), EhbpProtocol.TryParseKeyConfig(await response.Content.ReadAsByteArrayAsync()));
    }
}
