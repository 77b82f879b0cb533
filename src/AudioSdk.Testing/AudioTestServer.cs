using System.Net;
using AudioSdk.Security.Tinfoil;
using AudioSdk.Security.Tinfoil.Sigstore;
using AudioSdk.Testing.Internal;
using AudioSdk.Testing.Internal.Tinfoil;
using AudioSdk.Testing.Internal.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AudioSdk.Testing;

/// <summary>
/// An in-process OpenAI-compatible audio server on Kestrel, bound to 127.0.0.1 on a free port. It serves
/// <c>/v1/audio/transcriptions</c>, <c>/v1/audio/translations</c>, <c>/v1/audio/speech</c>, <c>/v1/models</c>
/// and <c>/v1/usage</c> with deterministic answers derived from what it receives, records every request,
/// and can be scripted per request (<see cref="Enqueue"/>).
/// </summary>
/// <remarks>
/// Transcripts: the duration of the upload (exact for WAV) is cut into segments of at most
/// <see cref="AudioTestServerOptions.SegmentLength"/>, each reading "Segment N spans A to B seconds.".
/// Speech: a 440 Hz tone, 60 ms per character of input divided by <c>speed</c> (at least 0.2 s), as real
/// WAV or raw PCM16 at <see cref="AudioTestServerOptions.SpeechSampleRate"/>; other formats carry the same
/// PCM behind their format's magic bytes, which identifies them but does not decode.
/// </remarks>
public sealed class AudioTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ServerState _state;
    private readonly List<SocketsHttpHandler> _handlers = [];

    private AudioTestServer(WebApplication app, ServerState state)
    {
        _app = app;
        _state = state;
    }

    /// <summary>The server's settings.</summary>
    public AudioTestServerOptions Options => _state.Options;

    /// <summary>The server's root address, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The API endpoint to give a client: <see cref="BaseAddress"/> plus <c>v1</c>.</summary>
    public Uri Endpoint => new(BaseAddress, "v1");

    /// <summary>Every request received so far, in order of arrival (recorded once its body has been read).</summary>
    public IReadOnlyList<ReceivedRequest> Requests => _state.Requests();

    /// <summary>
    /// Connections accepted; with TLS, those whose handshake the server completed (a client that then refuses
    /// the server's key still counts here, but sends no application byte).
    /// </summary>
    public int ConnectionCount => _state.Counters.Connections;

    /// <summary>Application bytes received over all connections (decrypted; a refused TLS handshake adds nothing).</summary>
    public long ApplicationBytesReceived => _state.Counters.Bytes;

    /// <summary>The server's X25519 HPKE public key (32 bytes) when <see cref="AudioTestServerOptions.Ehbp"/> is on; empty
    /// otherwise.</summary>
    public ReadOnlyMemory<byte> HpkePublicKey => _state.Ehbp?.PublicKey ?? ReadOnlyMemory<byte>.Empty;

    /// <summary>Responses that have started and not yet finished.</summary>
    public int ActiveResponses => _state.ActiveResponses;

    /// <summary>Responses that have finished (normally, with an error, or dropped).</summary>
    public int CompletedResponses => _state.CompletedResponses;

    /// <summary>Starts a server on 127.0.0.1 with a free port.</summary>
    /// <param name="options">How it behaves; defaults apply when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<AudioTestServer> StartAsync(AudioTestServerOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new AudioTestServerOptions();
        if (options.TinfoilBundle && (options.Certificate is null || !options.Ehbp))
        {
            throw new ArgumentException("TinfoilBundle binds the server's TLS key and EHBP key: set Certificate and Ehbp as well.",
                nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var state = new ServerState(options);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (options.Certificate is not null)
                {
                    listen.UseHttps(new Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions
                    {
                        ServerCertificateSelector = (_, _) => options.Certificate,
                    });
                }

                // After TLS: counts the application bytes each connection receives (0 when a handshake is refused).
                listen.Use(next => context => state.Counters.RunAsync(context, next));
            });
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
        });
        var app = builder.Build();
        var server = new AudioTestServer(app, state);
        _ = state.Tinfoil; // builds the synthetic chain and bundle now, not on the first fetch
        app.UseWebSockets();
        app.Use(new RequestPipeline(state).InvokeAsync);
        MapRoutes(app, state);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <summary>
    /// A <see cref="TinfoilAttestor"/> in the bundle flow (<see cref="TinfoilAttestationFlow.Bundle"/>) that fetches this
    /// server's bundle and CRL and trusts this server's synthetic AMD root instead of AMD's; everything else (the
    /// Sigstore provenance under the production root, the policy, the certificate names, the key binding) is verified
    /// as in production. For tests only: with it, a client runs the whole attested flow, EHBP or TLS pinning, offline.
    /// Give the client <see cref="Endpoint"/> as its endpoint (the bundle names <c>localhost</c> without this port).
    /// </summary>
    /// <param name="options">Further settings (clock, timeouts); the flow, service and collateral addresses and the handler are set
    /// here.</param>
    /// <exception cref="InvalidOperationException">The server was not started with
    /// <see cref="AudioTestServerOptions.TinfoilBundle"/>.</exception>
    public TinfoilAttestor CreateTinfoilAttestor(TinfoilAttestorOptions? options = null)
    {
        var tinfoil = _state.Tinfoil
            ?? throw new InvalidOperationException("Start the server with TinfoilBundle (and Certificate and Ehbp) to serve attestation bundles.");
        var certificate = Options.Certificate!;
        var handler = new SocketsHttpHandler
        {
            // The server's certificate is self-signed: the attestation fetch accepts exactly that certificate.
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null
                && presented.GetCertHashString() == certificate.GetCertHashString() },
        };
        lock (_handlers)
        {
            _handlers.Add(handler);
        }

        options ??= new TinfoilAttestorOptions { TimeProvider = Options.TimeProvider };
        options.Flow = TinfoilAttestationFlow.Bundle;
        options.AttestationBundleEndpoint = BaseAddress;
        options.CollateralEndpoint = BaseAddress;
        options.HttpHandler = handler;
        var trust = new TinfoilTrust([AmdChain.FromKdsPem("Genoa", tinfoil.ChainPem)], SigstoreTrustedRoot.Production);
        return new TinfoilAttestor(SyntheticTinfoilEnclave.Repository, options, trust, null);
    }

    /// <summary>Queues an answer for the next request that matches it; answers are taken in order.</summary>
    /// <param name="response">The scripted answer.</param>
    public void Enqueue(ScriptedResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        _state.Add(response);
    }

    /// <summary>Every realtime connection accepted so far, in order.</summary>
    public IReadOnlyList<ReceivedRealtimeSession> RealtimeSessions => _state.RealtimeSessions();

    /// <summary>Queues an action for the realtime endpoint, run when its trigger next happens on any connection.</summary>
    /// <param name="action">The scripted action.</param>
    public void EnqueueRealtime(RealtimeScriptedAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        _state.Add(action);
    }

    /// <summary>Queues what the conversation dialect answers its next response with (the default reply says what it heard or
    /// read).</summary>
    /// <param name="reply">The scripted reply.</param>
    public void EnqueueConversationReply(ConversationReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        _state.Add(reply);
    }

    /// <summary>Waits until a request matching the predicate has been received (including one received already).</summary>
    /// <param name="match">Which request; any when <see langword="null"/>.</param>
    /// <param name="timeout">How long to wait before failing with <see cref="TimeoutException"/>.</param>
    public async Task<ReceivedRequest> WaitForRequestAsync(Func<ReceivedRequest, bool>? match = null, TimeSpan? timeout = null)
    {
        match ??= static _ => true;
        return await _state.WhenReceived(match).WaitAsync(timeout ?? TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    /// <summary>The routes, one endpoint class each, behind the middleware; an unknown path or method is a 404 naming it.</summary>
    private static void MapRoutes(IEndpointRouteBuilder app, ServerState state)
    {
        app.Map("/v1/audio/transcriptions", Only("POST", new TranscriptionEndpoint(state, translate: false).HandleAsync));
        app.Map("/v1/audio/translations", Only("POST", new TranscriptionEndpoint(state, translate: true).HandleAsync));
        app.Map("/v1/audio/speech", Only("POST", new SpeechEndpoint(state).HandleAsync));
        app.Map("/v1/models", Only("GET", new ModelListEndpoint(state.Options).HandleAsync));
        app.Map("/v1/models/{**id}", Only("GET", new ModelEndpoint(state.Options).HandleAsync));
        app.Map("/v1/realtime/client_secrets", Only("POST", new ClientSecretsEndpoint(state.Secrets).HandleAsync));
        app.Map("/v1/usage", Only("GET", new UsageEndpoint(state).HandleAsync));
        app.Map("/v1/realtime", new RealtimeUpgradeEndpoint(state).HandleAsync);
        app.MapFallback(HttpAnswers.NoRouteAsync);

        static RequestDelegate Only(string method, RequestDelegate handle) =>
            context => context.Request.Method == method ? handle(context) : HttpAnswers.NoRouteAsync(context);
    }

    /// <summary>Stops the server; connections still open after a second (a realtime socket) are cut.</summary>
    public async ValueTask DisposeAsync()
    {
        // Open connections (a realtime session's socket) get a second to finish, then are cut: disposing never hangs.
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await _app.StopAsync(grace.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        lock (_handlers)
        {
            _handlers.ForEach(h => h.Dispose());
            _handlers.Clear();
        }
    }
}
