using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using AudioSdk.Audio;
using AudioSdk.Realtime;
using AudioSdk.Security;
using AudioSdk.Security.Ehbp;
using AudioSdk.Testing;
using AudioSdk.Transcriptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AudioSdk.Tests.Security;

/// <summary>
/// A client without an endpoint of its own, attesting through Tinfoil's bundle flow, sends to the router the verified
/// bundle names (<c>localhost</c>, port 443), and nowhere else. Real HTTPS on 127.0.0.1: the test server serves the
/// bundle and speaks EHBP, and the client's connections to <c>localhost:443</c> are carried to the server's port by a
/// connect callback (what a hosts file would do), which also records every address the client asked for.
/// </summary>
public sealed class AttestedRouterTests
{
    private const string Key = "sk-router";
    private static readonly Uri Router = new("https://localhost/v1/");
    private static readonly byte[] Wav = WavFile.Write(Enumerable.Range(0, 16000).Select(i => (float)(0.2 * Math.Sin(i / 5.0))).ToArray(), WavFormat.Pcm16Mono(16000));

    [Theory]
    [InlineData(AttestedTransport.Automatic)]
    [InlineData(AttestedTransport.TlsPinning)]
    public async Task WithoutAnEndpoint_TheClientSendsToTheRouterTheBundleNames(AttestedTransport transport)
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Certificate = certificate, Ehbp = true, TinfoilBundle = true });
        using var attestor = server.CreateTinfoilAttestor();
        var dialled = new ConcurrentQueue<string>();
        using var client = new AudioClient(new AudioClientOptions
        {
            ApiKey = Key,
            Attestor = attestor,
            AttestedTransport = transport,
            DangerousAllowSelfSignedLoopbackCertificatesForTesting = true,
            ConfigurePinnedHandler = h => h.ConnectCallback = CarryTo(server.BaseAddress.Port, dialled),
        });

        await TranscribesAndOpensRealtime_ThroughTheRouterOnly(client, server, dialled, transport);
    }

    [Theory]
    [InlineData(AttestedTransport.Automatic)]
    [InlineData(AttestedTransport.TlsPinning)]
    public async Task AnImpostorAnsweringForTheRouter_IsRefused_BeforeAnyBodyReachesIt(AttestedTransport transport)
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        using var impostorCertificate = TestCertificates.CreateSelfSigned();
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Certificate = certificate, Ehbp = true, TinfoilBundle = true });
        await using var impostor = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Certificate = impostorCertificate, Ehbp = true });
        using var attestor = server.CreateTinfoilAttestor();
        using var client = new AudioClient(new AudioClientOptions
        {
            ApiKey = Key,
            Attestor = attestor,
            AttestedTransport = transport,
            Retry = AudioClientRetryOptions.None,
            DangerousAllowSelfSignedLoopbackCertificatesForTesting = true,
            ConfigurePinnedHandler = h => h.ConnectCallback = CarryTo(impostor.BaseAddress.Port, new ConcurrentQueue<string>()),
        });

        var ex = await Assert.ThrowsAnyAsync<AudioSdkException>(() => client.TranscribeAsync(AudioInput.FromBytes(Wav, "a.wav"), new TranscriptionOptions { Model = "whisper-1" }));

        if (transport == AttestedTransport.TlsPinning)
        {
            Assert.IsType<TlsPinMismatchException>(ex);
        }
        else
        {
            var binding = Assert.IsType<AttestationException>(ex);
            Assert.Equal(AttestationStage.Binding, binding.Stage);
            Assert.Equal(EhbpHttpHandler.KeyBindingMismatchCode, binding.Code);
        }

        Assert.DoesNotContain(impostor.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task ARequestForAnotherAuthority_IsRefused_WhileTheRouterIsAdopted()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Certificate = certificate, Ehbp = true, TinfoilBundle = true });
        using var attestor = server.CreateTinfoilAttestor();
        using var pinned = new PinnedHttpHandler(AttestedRouter.Placeholder, attestor, h => h.ConnectCallback = CarryTo(server.BaseAddress.Port, new ConcurrentQueue<string>()), true, TimeProvider.System, adoptRouter: true);
        using var http = new HttpClient(pinned);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);

        using var models = await http.GetAsync(new Uri(AttestedRouter.Placeholder + "/models"));
        var ex = await Assert.ThrowsAsync<AttestationException>(() => http.GetAsync(new Uri(server.Endpoint + "/models")));

        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.Equal(Router, pinned.CurrentEndpoint);
        Assert.Equal(AttestationStage.Authority, ex.Stage);
        Assert.Contains($"only localhost is attested", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEndpointOfYourOwn_Wins_AndUseAttestedRouterFalse_RequiresOne()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Certificate = certificate, Ehbp = true, TinfoilBundle = true });
        using var attestor = server.CreateTinfoilAttestor();

        var problem = Assert.Throws<ArgumentException>(() => new AudioClient(new AudioClientOptions { ApiKey = Key, Attestor = attestor, UseAttestedRouter = false }));
        Assert.Contains("UseAttestedRouter", problem.Message, StringComparison.Ordinal);

        using var client = new AudioClient(new AudioClientOptions { Endpoint = server.Endpoint, ApiKey = Key, Attestor = attestor, DangerousAllowSelfSignedLoopbackCertificatesForTesting = true });
        Assert.NotEmpty(await client.ListModelsAsync());
        Assert.Equal(server.Endpoint, client.Endpoint);
    }

    [Theory]
    [InlineData(AttestedTransport.Automatic)]
    [InlineData(AttestedTransport.TlsPinning)]
    public async Task UnderDependencyInjection_WithoutAnEndpoint_TheClientSendsToTheRouter_AndNeverDialsTheDefaultAddress(AttestedTransport transport)
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Certificate = certificate, Ehbp = true, TinfoilBundle = true });
        using var attestor = server.CreateTinfoilAttestor();
        var dialled = new ConcurrentQueue<string>();
        var services = new ServiceCollection();
        services.AddAudioClient(o =>
        {
            o.ApiKey = Key;
            o.Attestor = attestor;
            o.AttestedTransport = transport;
            o.Retry = AudioClientRetryOptions.None;
            o.DangerousAllowSelfSignedLoopbackCertificatesForTesting = true;
            o.ConfigurePinnedHandler = h => h.ConnectCallback = CarryTo(server.BaseAddress.Port, dialled);
        });
        await using var provider = services.BuildServiceProvider();

        await TranscribesAndOpensRealtime_ThroughTheRouterOnly(provider.GetRequiredService<AudioClient>(), server, dialled, transport);
    }

    [Fact]
    public async Task UnderDependencyInjection_UseAttestedRouterFalse_WithoutAnEndpoint_FailsAtStartUp()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Certificate = certificate, Ehbp = true, TinfoilBundle = true });
        using var attestor = server.CreateTinfoilAttestor();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAudioClient(o =>
        {
            o.ApiKey = Key;
            o.Attestor = attestor;
            o.UseAttestedRouter = false;
            o.NetworkTimeout = TimeSpan.FromSeconds(-1);
        });
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var message = string.Join(" ", ex.Failures);
        Assert.Contains("UseAttestedRouter is false: set Endpoint", message, StringComparison.Ordinal);
        Assert.Contains("NetworkTimeout must be positive", message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task AnHttpClientOfYourOwn_OverTheHandlerBuiltFromTheOptions_GoesToTheRouter_AndIsRefusedAnywhereElse()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Certificate = certificate, Ehbp = true, TinfoilBundle = true });
        using var attestor = server.CreateTinfoilAttestor();
        var dialled = new ConcurrentQueue<string>();
        using var pinned = new PinnedHttpHandler(new AudioClientOptions
        {
            Attestor = attestor,
            DangerousAllowSelfSignedLoopbackCertificatesForTesting = true,
            ConfigurePinnedHandler = h => h.ConnectCallback = CarryTo(server.BaseAddress.Port, dialled),
        });
        using var rest = pinned.CreateRestHandler();
        using var http = new HttpClient(rest) { BaseAddress = pinned.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);

        using var models = await http.GetAsync(new Uri("models", UriKind.Relative));
        using var body = new StringContent("{\"model\":\"tts-1\",\"input\":\"hi\",\"voice\":\"alloy\"}", System.Text.Encoding.UTF8, "application/json");
        var ex = await Assert.ThrowsAsync<AttestationException>(() => http.PostAsync(new Uri(AudioClientOptions.DefaultEndpoint + "/audio/speech"), body));

        Assert.Equal(new Uri("https://attested-router.invalid/v1/"), pinned.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.Equal("/v1/models", Assert.Single(server.Requests, r => r.Method == "GET" && r.Path.EndsWith("/models", StringComparison.Ordinal)).Path);
        Assert.Equal(AttestationStage.Authority, ex.Stage);
        Assert.Contains("api.openai.com was refused: only localhost is attested", ex.Message, StringComparison.Ordinal);
        Assert.All(dialled, d => Assert.Equal("localhost:443", d));
        Assert.DoesNotContain(server.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task AHandlerForTheDefaultAddress_WithAnAttestorThatNamesTheRouter_CannotBeBuilt()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var server = await AudioTestServer.StartAsync(new AudioTestServerOptions { ApiKey = Key, Certificate = certificate, Ehbp = true, TinfoilBundle = true });
        using var attestor = server.CreateTinfoilAttestor();

        var byAddress = Assert.Throws<ArgumentException>(() => new PinnedHttpHandler(AudioClientOptions.DefaultEndpoint, attestor));
        var byExplicitEndpoint = Assert.Throws<ArgumentException>(() => new PinnedHttpHandler(new AudioClientOptions { Endpoint = new Uri("https://API.openai.com/v1/"), Attestor = attestor }));
        var routerRefused = Assert.Throws<ArgumentException>(() => new PinnedHttpHandler(new AudioClientOptions { Attestor = attestor, UseAttestedRouter = false }));
        var noPinning = Assert.Throws<ArgumentException>(() => new PinnedHttpHandler(new AudioClientOptions { Endpoint = server.Endpoint }));
        using var gateway = new PinnedHttpHandler(new AudioClientOptions { Endpoint = server.Endpoint, Attestor = attestor });

        Assert.Contains("api.openai.com, the default endpoint, which no attested router is", byAddress.Message, StringComparison.Ordinal);
        Assert.Contains("the default endpoint", byExplicitEndpoint.Message, StringComparison.Ordinal);
        Assert.Contains("UseAttestedRouter is false: set Endpoint", routerRefused.Message, StringComparison.Ordinal);
        Assert.Contains("set TlsPins or Attestor", noPinning.Message, StringComparison.Ordinal);
        Assert.Equal(server.Endpoint.Authority, gateway.BaseAddress.Authority);
        Assert.Empty(server.Requests);
    }

    /// <summary>A transcription and a realtime session reach the router, and no connection goes anywhere else (the default address included).</summary>
    private static async Task TranscribesAndOpensRealtime_ThroughTheRouterOnly(AudioClient client, AudioTestServer server, ConcurrentQueue<string> dialled, AttestedTransport transport)
    {
        var result = await client.TranscribeAsync(AudioInput.FromBytes(Wav, "a.wav"), new TranscriptionOptions { Model = "whisper-1" });
        await using (await client.StartRealtimeSessionAsync(new RealtimeSessionOptions { Model = "gpt-4o-transcribe", InputSampleRate = 24000 }))
        {
        }

        Assert.DoesNotContain(dialled, d => d.StartsWith(AudioClientOptions.DefaultEndpoint.Host, StringComparison.OrdinalIgnoreCase));
        Assert.All(dialled, d => Assert.Equal("localhost:443", d));
        Assert.NotEmpty(dialled);
        Assert.StartsWith("Segment 1", result.Text, StringComparison.Ordinal);
        Assert.Equal(Router, client.Endpoint);
        var upload = Assert.Single(server.Requests, r => r.Method == "POST");
        Assert.Equal("localhost", upload.GetHeader("Host"));
        Assert.Equal("Bearer " + Key, upload.GetHeader("Authorization"));
        Assert.Equal(transport != AttestedTransport.TlsPinning, upload.Headers.ContainsKey(EhbpProtocol.EncapsulatedKeyHeader));
        Assert.Single(server.RealtimeSessions);
    }

    /// <summary>Connects every dial of <c>localhost:443</c> to the server's port on 127.0.0.1, recording what was asked for.</summary>
    private static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> CarryTo(int port, ConcurrentQueue<string> dialled) =>
        async (context, cancellationToken) =>
        {
            dialled.Enqueue($"{context.DnsEndPoint.Host}:{context.DnsEndPoint.Port}");
            if (context.DnsEndPoint is not { Host: "localhost", Port: 443 })
            {
                throw new HttpRequestException($"The test refuses to dial {context.DnsEndPoint}.");
            }

            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}
