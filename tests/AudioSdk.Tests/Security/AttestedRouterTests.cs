using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using AudioSdk.Audio;
using AudioSdk.Realtime;
using AudioSdk.Security;
using AudioSdk.Security.Ehbp;
using AudioSdk.Testing;
using AudioSdk.Transcriptions;

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

        var result = await client.TranscribeAsync(AudioInput.FromBytes(Wav, "a.wav"), new TranscriptionOptions { Model = "whisper-1" });
        await using (await client.StartRealtimeSessionAsync(new RealtimeSessionOptions { Model = "gpt-4o-transcribe", InputSampleRate = 24000 }))
        {
        }

        Assert.StartsWith("Segment 1", result.Text, StringComparison.Ordinal);
        Assert.Equal(Router, client.Endpoint);
        Assert.All(dialled, d => Assert.Equal("localhost:443", d));
        Assert.NotEmpty(dialled);
        var upload = Assert.Single(server.Requests, r => r.Method == "POST");
        Assert.Equal("localhost", upload.GetHeader("Host"));
        Assert.Equal(transport != AttestedTransport.TlsPinning, upload.Headers.ContainsKey(EhbpProtocol.EncapsulatedKeyHeader));
        Assert.Single(server.RealtimeSessions);
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
