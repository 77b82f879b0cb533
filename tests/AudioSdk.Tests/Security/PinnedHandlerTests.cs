using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AudioSdk.Security;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Security;

/// <summary>
/// The pinned handler on its own, as an application that brings its own HttpClient uses it: real TLS to Kestrel on
/// 127.0.0.1 with a certificate generated here, the attestations scripted, and the clock moved by hand.
/// </summary>
public sealed class PinnedHandlerTests : IAsyncLifetime
{
    private static readonly TlsPin WrongPin = TlsPin.FromBytes(SHA256.HashData("another key"u8));
    private readonly X509Certificate2 _certificate = TestCertificates.CreateSelfSigned();
    private AudioTestServer _server = null!;

    private TlsPin RightPin => TlsPin.Compute(_certificate);

    private Uri Models => new(_server.Endpoint + "/models");

    public async Task InitializeAsync() =>
        _server = await AudioTestServer.StartAsync(new AudioTestServerOptions { Certificate = _certificate });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _certificate.Dispose();
    }

    private PinnedHttpHandler Handler(IEndpointAttestor attestor, Action<SocketsHttpHandler>? configure = null, TimeProvider? clock = null, Uri? endpoint = null) =>
        new(endpoint ?? _server.Endpoint, attestor, configure, dangerousAllowSelfSignedLoopbackCertificatesForTesting: true, timeProvider: clock);

    [Fact]
    public void Constructor_RefusesAMissingEndpointOrAttestor_AndPlainHttp()
    {
        var attestor = new StaticPinAttestor([WrongPin]);

        Assert.Equal("endpoint", Assert.Throws<ArgumentNullException>(() => new PinnedHttpHandler(null!, attestor)).ParamName);
        Assert.Equal("attestor", Assert.Throws<ArgumentNullException>(() => new PinnedHttpHandler(new Uri("https://example.com/"), null!)).ParamName);
        var http = Assert.Throws<ArgumentException>(() => new PinnedHttpHandler(new Uri("http://example.com/v1"), attestor));
        Assert.Equal("endpoint", http.ParamName);
        Assert.Contains("'http://example.com/v1' is not", http.Message);
    }

    [Fact]
    public async Task BeforeTheFirstRequest_NothingIsAttested_AfterIt_TheAttestationIsInForce()
    {
        var attestor = new ScriptedAttestor(_ => new AttestedEndpoint(_server.Endpoint.Authority, [RightPin]));
        using var handler = Handler(attestor);
        using var http = new HttpClient(handler);

        Assert.Null(handler.CurrentAttestation);
        Assert.Equal(0, handler.AttestationCount);
        using var response = await http.GetAsync(Models);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, handler.AttestationCount);
        Assert.Equal(_server.Endpoint.Authority, handler.CurrentAttestation!.Authority);
        Assert.Equal([_server.Endpoint], attestor.Endpoints);
    }

    [Fact]
    public async Task ARequestWithoutAUri_IsRefused()
    {
        using var handler = Handler(new StaticPinAttestor([RightPin]));
        using var invoker = new HttpMessageInvoker(handler);

        await Assert.ThrowsAsync<InvalidOperationException>(() => invoker.SendAsync(new HttpRequestMessage(), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentNullException>(() => invoker.SendAsync(null!, CancellationToken.None));
        Assert.Equal(0, _server.ConnectionCount);
    }

    [Fact]
    public async Task TheHostIsComparedWithoutRegardToCase()
    {
        using var handler = Handler(new StaticPinAttestor([RightPin]), endpoint: new Uri($"https://LOCALHOST:{_server.Endpoint.Port}/v1"));
        using var http = new HttpClient(handler);

        using var response = await http.GetAsync(new Uri($"https://localhost:{_server.Endpoint.Port}/v1/models"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PlainHttp_ToThePinnedHostAndPort_IsRefused_BeforeAnyConnection()
    {
        using var handler = Handler(new StaticPinAttestor([RightPin]));
        using var http = new HttpClient(handler);

        var ex = await Assert.ThrowsAsync<AttestationException>(() => http.GetAsync(new Uri($"http://127.0.0.1:{_server.Endpoint.Port}/v1/models")));

        Assert.Equal(AttestationStage.Authority, ex.Stage);
        Assert.Contains("over TLS only", ex.Message);
        Assert.Equal(0, _server.ConnectionCount);
    }

    [Fact]
    public async Task AnotherPort_IsRefused_NamingWhatIsAttested()
    {
        using var handler = Handler(new StaticPinAttestor([RightPin]));
        using var http = new HttpClient(handler);

        var ex = await Assert.ThrowsAsync<AttestationException>(() => http.GetAsync(new Uri($"https://127.0.0.1:{_server.Endpoint.Port + 1}/v1/models")));

        Assert.Equal($"The request to 127.0.0.1:{_server.Endpoint.Port + 1} was refused: only {_server.Endpoint.Authority} is attested.", ex.Message);
        Assert.Equal(AttestationStage.Authority, ex.Stage);
    }

    [Fact]
    public async Task LocalhostByName_CountsAsLoopback_ForTheTestSwitch()
    {
        using var handler = Handler(new StaticPinAttestor([RightPin]), endpoint: new Uri($"https://localhost:{_server.Endpoint.Port}/v1"));
        using var http = new HttpClient(handler);

        using var response = await http.GetAsync(new Uri($"https://localhost:{_server.Endpoint.Port}/v1/models"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ACertificateForAnotherName_IsRefused_EvenWithTheRightPin()
    {
        // The name resolves (through the connect callback) to the server, whose certificate is for localhost only.
        using var handler = Handler(
            new StaticPinAttestor([RightPin]),
            configure: h => h.ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, _server.Endpoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
            endpoint: new Uri($"https://pinned.invalid:{_server.Endpoint.Port}/v1"));
        using var http = new HttpClient(handler);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri($"https://pinned.invalid:{_server.Endpoint.Port}/v1/models")));

        Assert.Equal(HttpRequestError.SecureConnectionError, ex.HttpRequestError);
        Assert.Null(TlsPinMismatchException.Find(ex));
        Assert.Equal(0, _server.ApplicationBytesReceived);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnyOfSeveralPins_IsAccepted_WhereverItIsInTheList(bool rightFirst)
    {
        using var handler = Handler(new StaticPinAttestor(rightFirst ? [RightPin, WrongPin] : [WrongPin, RightPin]));
        using var http = new HttpClient(handler);

        using var response = await http.GetAsync(Models);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AMismatch_ListsEveryAcceptedPin_AndTheNextRequestReattestsWithForce()
    {
        var pins = new Queue<TlsPin[]>([[WrongPin, TlsPin.FromBytes(new byte[32])], [RightPin]]);
        var attestor = new ScriptedAttestor(_ => new AttestedEndpoint(_server.Endpoint.Authority, pins.Dequeue()));
        using var handler = Handler(attestor);
        using var http = new HttpClient(handler);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(Models));
        var mismatch = TlsPinMismatchException.Find(ex)!;
        using var response = await http.GetAsync(Models);

        Assert.Equal([WrongPin.ToString(), new string('0', 64)], mismatch.ExpectedPins);
        Assert.Equal($"The TLS key of 127.0.0.1:{_server.Endpoint.Port} (SPKI SHA-256 {RightPin}) is not pinned; expected {WrongPin} or {new string('0', 64)}. Nothing was sent.", mismatch.Message);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([false, true], attestor.Forced);
        Assert.Equal([RightPin], handler.CurrentAttestation!.TlsPins);
    }

    [Fact]
    public async Task WithoutAMismatch_TheAttestationIsReused()
    {
        var attestor = new ScriptedAttestor(_ => new AttestedEndpoint(_server.Endpoint.Authority, [RightPin]));
        using var handler = Handler(attestor);
        using var http = new HttpClient(handler);

        for (var i = 0; i < 3; i++)
        {
            using var response = await http.GetAsync(Models);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal([false], attestor.Forced);
    }

    [Fact]
    public async Task AnAttestationIsRenewedExactlyWhenItExpires_NotATickBefore()
    {
        var clock = new ManualTimeProvider();
        var attestor = new ScriptedAttestor(_ => new AttestedEndpoint(_server.Endpoint.Authority, [RightPin], validUntil: clock.GetUtcNow() + TimeSpan.FromMinutes(1)));
        using var handler = Handler(attestor, clock: clock);
        using var http = new HttpClient(handler);

        (await http.GetAsync(Models)).Dispose();
        clock.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(1));
        (await http.GetAsync(Models)).Dispose();
        Assert.Equal(1, handler.AttestationCount);
        clock.Advance(TimeSpan.FromTicks(1));
        (await http.GetAsync(Models)).Dispose();

        Assert.Equal(2, handler.AttestationCount);
        Assert.Equal([false, false], attestor.Forced);
    }

    [Fact]
    public async Task AnAttestationThatHasAlreadyExpired_IsRefused_AndNothingIsSent()
    {
        var clock = new ManualTimeProvider();
        var attestor = new ScriptedAttestor(_ => new AttestedEndpoint(_server.Endpoint.Authority, [RightPin], validUntil: clock.GetUtcNow()));
        using var handler = Handler(attestor, clock: clock);
        using var http = new HttpClient(handler);

        var ex = await Assert.ThrowsAsync<AttestationException>(() => http.GetAsync(Models));

        Assert.Equal(AttestationStage.Verify, ex.Stage);
        Assert.Contains($"expired at {clock.GetUtcNow():O}", ex.Message);
        Assert.Null(handler.CurrentAttestation);
        Assert.Equal(0, _server.ConnectionCount);
    }

    [Theory]
    [InlineData("localhost:{port}")]
    [InlineData("LOCALHOST:{port}")]
    public async Task AnAttestationForTheAuthority_InAnyCase_IsAccepted(string attested)
    {
        var endpoint = new Uri($"https://localhost:{_server.Endpoint.Port}/v1");
        var authority = attested.Replace("{port}", _server.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var handler = Handler(new ScriptedAttestor(_ => new AttestedEndpoint(authority, [RightPin])), endpoint: endpoint);
        using var http = new HttpClient(handler);

        using var response = await http.GetAsync(new Uri(endpoint + "/models"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(authority, handler.CurrentAttestation!.Authority);
    }

    [Theory]
    [InlineData("127.0.0.2")]
    [InlineData("localhost")]
    [InlineData("127.0.0.1:1")]
    public async Task AnAttestationForAnotherAuthority_IsRefused(string attested)
    {
        using var handler = Handler(new ScriptedAttestor(_ => new AttestedEndpoint(attested, [RightPin])));
        using var http = new HttpClient(handler);

        var ex = await Assert.ThrowsAsync<AttestationException>(() => http.GetAsync(Models));

        Assert.Equal(AttestationStage.Authority, ex.Stage);
        Assert.Equal($"The attestation is for {attested}, not {_server.Endpoint.Authority}.", ex.Message);
        Assert.Equal(0, _server.ConnectionCount);
    }

    [Fact]
    public async Task TheAuthorityOfADefaultPortEndpoint_IsTheBareHost()
    {
        // The attestation is refused before any connection is made.
        using var handler = new PinnedHttpHandler(new Uri("https://pinned.invalid/v1"), new ScriptedAttestor(_ => new AttestedEndpoint("pinned.invalid:8443", [RightPin])));
        using var http = new HttpClient(handler);

        var bare = await Assert.ThrowsAsync<AttestationException>(() => http.GetAsync(new Uri("https://pinned.invalid/v1/models")));

        Assert.Equal("The attestation is for pinned.invalid:8443, not pinned.invalid.", bare.Message);
    }

    [Fact]
    public async Task AnAttestorsOwnFailure_PassesThroughUnchanged()
    {
        var thrown = new AttestationException("bad report", AttestationStage.Report) { Code = "REPORT_SIGNATURE_INVALID" };
        using var handler = Handler(new ScriptedAttestor(_ => throw thrown));
        using var http = new HttpClient(handler);

        var ex = await Assert.ThrowsAsync<AttestationException>(() => http.GetAsync(Models));

        Assert.Same(thrown, ex);
        Assert.Equal("REPORT_SIGNATURE_INVALID", ex.Code);
        Assert.Equal(1, handler.AttestationCount);
    }

    [Fact]
    public async Task AnyOtherAttestorFailure_IsWrapped_NamingTheEndpoint()
    {
        var cause = new IOException("connection reset");
        using var handler = Handler(new ScriptedAttestor(_ => throw cause));
        using var http = new HttpClient(handler);

        var ex = await Assert.ThrowsAsync<AttestationException>(() => http.GetAsync(Models));

        Assert.Equal($"Attesting {_server.Endpoint.Authority} failed: connection reset", ex.Message);
        Assert.Equal(AttestationStage.Attestor, ex.Stage);
        Assert.Same(cause, ex.InnerException);
        Assert.Null(ex.Code);
    }

    [Fact]
    public async Task ACancelledAttestation_IsACancellation_NotAnAttestationFailure()
    {
        using var cts = new CancellationTokenSource();
        using var handler = Handler(new ScriptedAttestor(ct =>
        {
            cts.Cancel();
            ct.ThrowIfCancellationRequested();
            return null!;
        }));
        using var invoker = new HttpMessageInvoker(handler);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, Models), cts.Token));

        Assert.Null(handler.CurrentAttestation);
    }

    [Fact]
    public async Task TheCallersConfiguration_IsApplied_ButCannotTurnOnRedirectsOrReplaceTheCertificateCheck()
    {
        var configured = 0;
        using var handler = Handler(new StaticPinAttestor([WrongPin]), configure: h =>
        {
            configured++;
            h.AllowAutoRedirect = true;
            h.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        });
        using var http = new HttpClient(handler);

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(Models));

        Assert.NotNull(TlsPinMismatchException.Find(ex));
        Assert.Equal(1, configured);
        Assert.Equal(0, _server.ApplicationBytesReceived);
    }

    [Fact]
    public async Task ARedirectWithinTheAuthority_IsReturnedAsItCame_EvenWhenTheCallerAskedForRedirects()
    {
        _server.Enqueue(new ScriptedResponse { Status = 302, Body = string.Empty, Headers = { ["Location"] = _server.Endpoint + "/models?again=1" } });
        using var handler = Handler(new StaticPinAttestor([RightPin]), configure: h => h.AllowAutoRedirect = true);
        using var http = new HttpClient(handler);

        using var response = await http.GetAsync(Models);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Single(_server.Requests);
    }

    [Theory]
    [InlineData(299)]
    [InlineData(400)]
    public async Task ALocationOnANonRedirectStatus_IsNotARedirect(int status)
    {
        _server.Enqueue(new ScriptedResponse { Status = status, Body = "{}", Headers = { ["Location"] = "https://elsewhere.invalid/" } });
        using var handler = Handler(new StaticPinAttestor([RightPin]));
        using var http = new HttpClient(handler);

        using var response = await http.GetAsync(Models);

        Assert.Equal(status, (int)response.StatusCode);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(399)]
    public async Task EveryThreeHundredStatus_ToAnotherHost_IsRefused(int status)
    {
        _server.Enqueue(new ScriptedResponse { Status = status, Body = string.Empty, Headers = { ["Location"] = "https://elsewhere.invalid/v1/models" } });
        using var handler = Handler(new StaticPinAttestor([RightPin]));
        using var http = new HttpClient(handler);

        var ex = await Assert.ThrowsAsync<AttestationException>(() => http.GetAsync(Models));

        Assert.Equal($"The pinned endpoint answered {status} with Location https://elsewhere.invalid/v1/models: a pinned client does not follow a redirect away from {_server.Endpoint.Authority} (another scheme, host or port).", ex.Message);
    }

    [Fact]
    public async Task ARedirectStatusWithoutALocation_IsReturned()
    {
        _server.Enqueue(new ScriptedResponse { Status = 303, Body = string.Empty });
        using var handler = Handler(new StaticPinAttestor([RightPin]));
        using var http = new HttpClient(handler);

        using var response = await http.GetAsync(Models);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
    }

    [Theory]
    [InlineData("/v1/models?page=2")]
    [InlineData("https://LOCALHOST:{port}/v1/models")]
    public async Task ARelativeOrSameAuthorityRedirect_IsReturned(string location)
    {
        var endpoint = new Uri($"https://localhost:{_server.Endpoint.Port}/v1");
        _server.Enqueue(new ScriptedResponse { Status = 307, Body = string.Empty, Headers = { ["Location"] = location.Replace("{port}", _server.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)) } });
        using var handler = Handler(new StaticPinAttestor([RightPin]), endpoint: endpoint);
        using var http = new HttpClient(handler);

        using var response = await http.GetAsync(new Uri(endpoint + "/models"));

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
    }

    [Fact]
    public async Task ARedirectToWss_FromAnHttpsRequest_IsRefused()
    {
        _server.Enqueue(new ScriptedResponse { Status = 307, Body = string.Empty, Headers = { ["Location"] = $"wss://127.0.0.1:{_server.Endpoint.Port}/v1/realtime" } });
        using var handler = Handler(new StaticPinAttestor([RightPin]));
        using var http = new HttpClient(handler);

        var ex = await Assert.ThrowsAsync<AttestationException>(() => http.GetAsync(Models));

        Assert.Equal(AttestationStage.Authority, ex.Stage);
    }

    [Fact]
    public async Task AfterDispose_TheHandlerRefusesToSend()
    {
        var handler = Handler(new StaticPinAttestor([RightPin]));
        using var http = new HttpClient(handler);
        (await http.GetAsync(Models)).Dispose();

        handler.Dispose();

        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => http.GetAsync(Models));
    }

    private sealed class ScriptedAttestor(Func<CancellationToken, AttestedEndpoint> attest) : IEndpointAttestor
    {
        public List<bool> Forced { get; } = [];

        public List<Uri> Endpoints { get; } = [];

        public ValueTask<AttestedEndpoint> AttestAsync(Uri endpoint, bool forceRefresh, CancellationToken cancellationToken)
        {
            Forced.Add(forceRefresh);
            Endpoints.Add(endpoint);
            return new(attest(cancellationToken));
        }
    }
}
