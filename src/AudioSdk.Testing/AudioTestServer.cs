using System.Net;
using System.Text.Json.Nodes;
using AudioSdk.Testing.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
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
public sealed partial class AudioTestServer : IAsyncDisposable
{
    private const int ChunkMilliseconds = 100;
    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly List<ReceivedRequest> _requests = [];
    private readonly List<ScriptedResponse> _scripts = [];
    private readonly List<JsonObject> _usage = [];
    private readonly List<(Func<ReceivedRequest, bool> Match, TaskCompletionSource<ReceivedRequest> Done)> _waiters = [];
    private readonly List<RealtimeScriptedAction> _realtimeScripts = [];
    private readonly Queue<ConversationReply> _conversationReplies = new();
    private readonly List<ReceivedRealtimeSession> _realtimeSessions = [];
    private ConnectionCounters _counters = null!;
    private ClientSecretIssuer _secrets = null!;
    private int _nextId;
    private int _activeResponses;
    private int _completedResponses;

    private AudioTestServer(WebApplication app, AudioTestServerOptions options)
    {
        _app = app;
        Options = options;
    }

    /// <summary>The server's settings.</summary>
    public AudioTestServerOptions Options { get; }

    /// <summary>The server's root address, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The API endpoint to give a client: <see cref="BaseAddress"/> plus <c>v1</c>.</summary>
    public Uri Endpoint => new(BaseAddress, "v1");

    /// <summary>Every request received so far, in order of arrival (recorded once its body has been read).</summary>
    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToList();
            }
        }
    }

    /// <summary>
    /// Connections accepted; with TLS, those whose handshake the server completed (a client that then refuses
    /// the server's key still counts here, but sends no application byte).
    /// </summary>
    public int ConnectionCount => _counters.Connections;

    /// <summary>Application bytes received over all connections (decrypted; a refused TLS handshake adds nothing).</summary>
    public long ApplicationBytesReceived => _counters.Bytes;

    /// <summary>Responses that have started and not yet finished.</summary>
    public int ActiveResponses => Volatile.Read(ref _activeResponses);

    /// <summary>Responses that have finished (normally, with an error, or dropped).</summary>
    public int CompletedResponses => Volatile.Read(ref _completedResponses);

    /// <summary>Starts a server on 127.0.0.1 with a free port.</summary>
    /// <param name="options">How it behaves; defaults apply when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<AudioTestServer> StartAsync(AudioTestServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AudioTestServerOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var counters = new ConnectionCounters();
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
                listen.Use(next => context => counters.RunAsync(context, next));
            });
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
        });
        var app = builder.Build();
        var server = new AudioTestServer(app, options) { _counters = counters, _secrets = new ClientSecretIssuer(options.TimeProvider) };
        app.UseWebSockets();
        app.Use(server.HandleAsync);
        server.MapRoutes(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <summary>Queues an answer for the next request that matches it; answers are taken in order.</summary>
    /// <param name="response">The scripted answer.</param>
    public void Enqueue(ScriptedResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        lock (_gate)
        {
            _scripts.Add(response);
        }
    }

    /// <summary>Every realtime connection accepted so far, in order.</summary>
    public IReadOnlyList<ReceivedRealtimeSession> RealtimeSessions
    {
        get
        {
            lock (_gate)
            {
                return _realtimeSessions.ToList();
            }
        }
    }

    /// <summary>Queues an action for the realtime endpoint, run when its trigger next happens on any connection.</summary>
    /// <param name="action">The scripted action.</param>
    public void EnqueueRealtime(RealtimeScriptedAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        lock (_gate)
        {
            _realtimeScripts.Add(action);
        }
    }

    /// <summary>Queues what the conversation dialect answers its next response with (the default reply says what it heard or read).</summary>
    /// <param name="reply">The scripted reply.</param>
    public void EnqueueConversationReply(ConversationReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        lock (_gate)
        {
            _conversationReplies.Enqueue(reply);
        }
    }

    /// <summary>Waits until a request matching the predicate has been received (including one received already).</summary>
    /// <param name="match">Which request; any when <see langword="null"/>.</param>
    /// <param name="timeout">How long to wait before failing with <see cref="TimeoutException"/>.</param>
    public async Task<ReceivedRequest> WaitForRequestAsync(Func<ReceivedRequest, bool>? match = null, TimeSpan? timeout = null)
    {
        match ??= static _ => true;
        TaskCompletionSource<ReceivedRequest> done;
        lock (_gate)
        {
            var existing = _requests.FirstOrDefault(match);
            if (existing is not null)
            {
                return existing;
            }

            done = new TaskCompletionSource<ReceivedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
        }

        return await done.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    /// <summary>Stops the server; connections still open after a second (a realtime socket) are cut.</summary>
    public async ValueTask DisposeAsync()
    {
        // Open connections (a realtime session's socket) get a second to finish, then are cut: disposing never hangs.
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await _app.StopAsync(grace.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
