using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using AudioSdk.Realtime;
using AudioSdk.Security;
using AudioSdk.Speech;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;
using Microsoft.Extensions.DependencyInjection;

namespace AudioSdk.Tests.Security;

/// <summary>
/// An impostor: a TLS server whose certificate is valid for the name (the loopback relaxation, or a handler that
/// trusts it) but carries another key than the pinned one. Every path must send it zero application bytes.
/// </summary>
public sealed class ImpostorTests : IAsyncLifetime
{
    private const string Key = "sk-impostor-test-key";
    private readonly X509Certificate2 _genuine = TestCertificates.CreateSelfSigned();
    private readonly X509Certificate2 _impostorCertificate = TestCertificates.CreateSelfSigned();
    private AudioTestServer _impostor = null!;

    private TlsPin GenuinePin => TlsPin.Compute(_genuine);

    public async Task InitializeAsync() =>
        _impostor = await AudioTestServer.StartAsync(new AudioTestServerOptions { Certificate = _impostorCertificate });

    public async Task DisposeAsync()
    {
        await _impostor.DisposeAsync();
        _genuine.Dispose();
        _impostorCertificate.Dispose();
    }

    private static AudioInput Wav() => AudioInput.FromBytes(TestAudio.SineWav(0.5));

    private static readonly TranscriptionOptions Whisper = new() { Model = "whisper-1" };

    private static readonly RealtimeSessionOptions Native = new() { Dialect = RealtimeDialect.VllmNative, Model = "voxtral-mini-4b-realtime", ConnectTimeout = TimeSpan.FromSeconds(10) };

    private AudioClientOptions PinnedOptions() => new()
    {
        Endpoint = _impostor.Endpoint,
        ApiKey = Key,
        Retry = AudioClientRetryOptions.None,
        DangerousAllowSelfSignedLoopbackCertificatesForTesting = true,
        TlsPins = { GenuinePin },
    };

    public static TheoryData<string> Paths => ["transcribe", "transcribe-stream", "speech-stream", "realtime"];

    private static async Task Run(AudioClient client, string path)
    {
        switch (path)
        {
            case "transcribe":
                await client.TranscribeAsync(Wav(), Whisper);
                break;
            case "transcribe-stream":
                await foreach (var _ in client.TranscribeStreamingAsync(Wav(), Whisper))
                {
                }

                break;
            case "speech-stream":
                await foreach (var _ in client.StreamSpeechAsync("Hello", new SpeechOptions { Model = "tts-1", Voice = "alloy" }))
                {
                }

                break;
            default:
                await using (await client.StartRealtimeSessionAsync(Native))
                {
                }

                break;
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task PinnedClient_SendsTheImpostorNothing(string path)
    {
        using var client = new AudioClient(PinnedOptions());

        var ex = await Assert.ThrowsAsync<TlsPinMismatchException>(() => Run(client, path));

        Assert.Equal(TlsPin.Compute(_impostorCertificate).ToString(), ex.ActualPin);
        Assert.Equal(0, _impostor.ApplicationBytesReceived);
        Assert.Empty(_impostor.Requests);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task CallersHttpClient_OverAPinnedHandler_PinsEveryPath_WithoutHttpHandlerOption(string path)
    {
        using var pinned = new PinnedHttpHandler(_impostor.Endpoint, new StaticPinAttestor([GenuinePin]), dangerousAllowSelfSignedLoopbackCertificatesForTesting: true);
        using var http = new HttpClient(pinned, disposeHandler: false) { BaseAddress = _impostor.Endpoint, Timeout = Timeout.InfiniteTimeSpan };
        using var client = new AudioClient(http, new AudioClientOptions { ApiKey = Key, Retry = AudioClientRetryOptions.None });

        var ex = await Record.ExceptionAsync(() => Run(client, path));

        Assert.NotNull(TlsPinMismatchException.Find(ex!));
        Assert.Equal(0, _impostor.ApplicationBytesReceived);
        Assert.True(pinned.AttestationCount >= 1);
    }

    [Fact]
    public async Task CallersHttpClient_OverAPinnedHandler_CarriesRealtime_ToTheGenuineServer()
    {
        await using var genuine = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Certificate = _genuine });
        using var pinned = new PinnedHttpHandler(genuine.Endpoint, new StaticPinAttestor([GenuinePin]), dangerousAllowSelfSignedLoopbackCertificatesForTesting: true);
        using var http = new HttpClient(pinned, disposeHandler: false) { BaseAddress = genuine.Endpoint };
        using var client = new AudioClient(http, new AudioClientOptions { ApiKey = Key });

        await using var rt = await client.StartRealtimeSessionAsync(Native);

        Assert.Single(genuine.RealtimeSessions);
        Assert.Equal(1, pinned.AttestationCount);
    }

    public static TheoryData<string> BuilderCalls =>
    [
        "UseSocketsHttpHandler(configure)",
        "UseSocketsHttpHandler(builder)",
        "ConfigurePrimaryHttpMessageHandler(factory)",
        "ConfigurePrimaryHttpMessageHandler(serviceFactory)",
        "ConfigurePrimaryHttpMessageHandler<THandler>",
        "ConfigureHttpMessageHandlerBuilder",
    ];

    private static void Replace(IHttpClientBuilder builder, string call)
    {
        switch (call)
        {
            case "UseSocketsHttpHandler(configure)":
                builder.UseSocketsHttpHandler((h, _) => TrustEverything(h));
                break;
            case "UseSocketsHttpHandler(builder)":
                builder.UseSocketsHttpHandler(b => b.Configure((h, _) => TrustEverything(h)));
                break;
            case "ConfigurePrimaryHttpMessageHandler(factory)":
                builder.ConfigurePrimaryHttpMessageHandler(() => TrustEverything(new SocketsHttpHandler()));
                break;
            case "ConfigurePrimaryHttpMessageHandler(serviceFactory)":
                builder.ConfigurePrimaryHttpMessageHandler(_ => TrustEverything(new SocketsHttpHandler()));
                break;
            case "ConfigurePrimaryHttpMessageHandler<THandler>":
                builder.Services.AddTransient<TrustingHandler>();
                builder.ConfigurePrimaryHttpMessageHandler<TrustingHandler>();
                break;
            default:
#pragma warning disable CS0618 // obsolete, but still able to replace the primary handler
                builder.ConfigureHttpMessageHandlerBuilder(b => b.PrimaryHandler = TrustEverything(new SocketsHttpHandler()));
#pragma warning restore CS0618
                break;
        }
    }

    private static SocketsHttpHandler TrustEverything(SocketsHttpHandler handler)
    {
        // Stands in for a certificate that chains to a trusted root: the impostor's name matches, only its key is wrong.
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, errors) => (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
        return handler;
    }

    [Theory]
    [MemberData(nameof(BuilderCalls))]
    public async Task DependencyInjection_ABuilderCallThatReplacesThePinnedHandler_FailsClosed_AndSaysSo(string call)
    {
        var services = new ServiceCollection();
        Replace(services.AddAudioClient(o => Copy(PinnedOptions(), o)), call);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<AudioClient>();

        var rest = await Assert.ThrowsAsync<InvalidOperationException>(() => client.TranscribeAsync(Wav(), Whisper));
        var realtime = await Record.ExceptionAsync(() => Run(client, "realtime"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Run(client, "transcribe-stream"));

        Assert.Contains("UseSocketsHttpHandler(...), ConfigurePrimaryHttpMessageHandler(...) or ConfigureHttpMessageHandlerBuilder(...)", rest.Message);
        Assert.Contains("Nothing was sent", rest.Message);
        Assert.NotNull(realtime);
        Assert.Contains(Chain(realtime!), e => e is InvalidOperationException);
        Assert.Equal(0, _impostor.ApplicationBytesReceived);
        Assert.Equal(0, _impostor.ConnectionCount);
    }

    [Fact]
    public async Task DependencyInjection_ABuilderCallThatOnlyConfiguresThePrimaryHandler_LeavesItPinned()
    {
        var seen = new List<string>();
        var services = new ServiceCollection();
        services.AddAudioClient(o => Copy(PinnedOptions(), o)).ConfigurePrimaryHttpMessageHandler((h, _) =>
        {
            seen.Add(h.GetType().Name);
            if (h is SocketsHttpHandler sockets)
            {
                TrustEverything(sockets);
            }
        });
        await using var provider = services.BuildServiceProvider();

        await Assert.ThrowsAsync<TlsPinMismatchException>(() => provider.GetRequiredService<AudioClient>().TranscribeAsync(Wav(), Whisper));

        Assert.Equal([nameof(PinnedHttpHandler)], seen);
        Assert.Equal(0, _impostor.ApplicationBytesReceived);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task DependencyInjection_Pinned_SendsTheImpostorNothing(string path)
    {
        var services = new ServiceCollection();
        services.AddAudioClient(o => Copy(PinnedOptions(), o)).AddHttpMessageHandler(() => new PassThrough());
        await using var provider = services.BuildServiceProvider();

        var ex = await Record.ExceptionAsync(() => Run(provider.GetRequiredService<AudioClient>(), path));

        Assert.NotNull(TlsPinMismatchException.Find(ex!));
        Assert.Equal(0, _impostor.ApplicationBytesReceived);
    }

    [Fact]
    public async Task DependencyInjection_AHandlerWrappingThePinnedOne_IsAccepted()
    {
        await using var genuine = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Certificate = _genuine });
        var services = new ServiceCollection();
        services.AddAudioClient(o =>
        {
            Copy(PinnedOptions(), o);
            o.Endpoint = genuine.Endpoint;
        }).AddHttpMessageHandler(() => new PassThrough()).ConfigureHttpClient(c => c.DefaultRequestHeaders.Add("X-Extra", "1"));
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<AudioClient>().ListModelsAsync();

        Assert.Equal("1", Assert.Single(genuine.Requests).GetHeader("X-Extra"));
    }

    public static TheoryData<string> Elsewhere => ["other-port", "other-host", "http"];

    [Theory]
    [MemberData(nameof(Elsewhere))]
    public async Task ARedirectAwayFromThePinnedAuthority_IsNotFollowed_EvenToTheSameKey(string where)
    {
        await using var genuine = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Certificate = _genuine });
        await using var sameKey = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Certificate = _genuine });
        var location = where switch
        {
            "other-port" => $"https://127.0.0.1:{sameKey.Endpoint.Port}/v1/audio/transcriptions",
            "other-host" => $"https://localhost:{genuine.Endpoint.Port}/v1/audio/transcriptions",
            _ => $"http://127.0.0.1:{sameKey.Endpoint.Port}/v1/audio/transcriptions",
        };
        genuine.Enqueue(new ScriptedResponse { Status = 307, Body = string.Empty, Headers = { ["Location"] = location } });
        var options = PinnedOptions();
        options.Endpoint = genuine.Endpoint;
        using var client = new AudioClient(options);

        var ex = await Assert.ThrowsAsync<AttestationException>(() => client.TranscribeAsync(Wav(), Whisper));

        Assert.Equal(AttestationStage.Authority, ex.Stage);
        Assert.Contains("307", ex.Message);
        Assert.Contains(location, ex.Message);
        Assert.Single(genuine.Requests);
        Assert.Equal(0, sameKey.ApplicationBytesReceived);
        Assert.DoesNotContain(Key, ex.ToString());
    }

    [Fact]
    public async Task ARedirectWithinThePinnedAuthority_IsReturned_NotFollowed()
    {
        await using var genuine = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Certificate = _genuine });
        genuine.Enqueue(new ScriptedResponse { Status = 308, Body = string.Empty, Headers = { ["Location"] = "/v1/models?again=1" } });
        var options = PinnedOptions();
        options.Endpoint = genuine.Endpoint;
        using var client = new AudioClient(options);

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => client.ListModelsAsync());

        Assert.Equal(308, (int)ex.Status);
        Assert.Single(genuine.Requests);
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    private static void Copy(AudioClientOptions from, AudioClientOptions to)
    {
        to.Endpoint = from.Endpoint;
        to.ApiKey = from.ApiKey;
        to.Retry = from.Retry;
        to.DangerousAllowSelfSignedLoopbackCertificatesForTesting = from.DangerousAllowSelfSignedLoopbackCertificatesForTesting;
        foreach (var pin in from.TlsPins)
        {
            to.TlsPins.Add(pin);
        }
    }

    private sealed class TrustingHandler : HttpClientHandler
    {
        public TrustingHandler() => ServerCertificateCustomValidationCallback = (_, _, _, errors) => (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
    }

    private sealed class PassThrough : DelegatingHandler;
}
