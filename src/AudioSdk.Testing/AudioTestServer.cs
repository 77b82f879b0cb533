using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AudioSdk.Testing.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

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
        app.Run(server.HandleAsync);
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

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _activeResponses);
        try
        {
            if (Options.AttestationDocument is { } attestation && context.Request.Path == "/.well-known/tinfoil-attestation")
            {
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync(attestation(context.Request.Query["nonce"].ToString())).ConfigureAwait(false);
                return;
            }

            await HandleCoreAsync(context).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _activeResponses);
            Interlocked.Increment(ref _completedResponses);
        }
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        var http = context.Request;
        var id = "req_" + Interlocked.Increment(ref _nextId).ToString("D6", CultureInfo.InvariantCulture);
        context.Response.Headers["x-request-id"] = id;
        if (Options.CloseConnectionAfterEachResponse && !context.WebSockets.IsWebSocketRequest)
        {
            context.Response.Headers.Connection = "close";
        }

        foreach (var header in Options.ResponseHeaders)
        {
            context.Response.Headers[header.Key] = header.Value;
        }

        var headers = http.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new ReceivedRequest(id, http.Method, http.Path.Value ?? "/", http.QueryString.Value ?? string.Empty, headers) { ContentType = http.ContentType };
        var ct = context.RequestAborted;
        if (http.HasFormContentType && http.ContentType!.Contains("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            await ReadMultipartAsync(http, request, ct).ConfigureAwait(false);
        }
        else if (http.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            using var reader = new StreamReader(http.Body, Encoding.UTF8);
            request.JsonBody = await reader.ReadToEndAsync(ct).ConfigureAwait(false);
        }

        Record(request);

        var authorization = headers.GetValueOrDefault("Authorization");
        var bearer = authorization is not null && authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : null;
        if (request.Path == "/v1/realtime" && _secrets.WasIssued(bearer))
        {
            if (!_secrets.IsValid(bearer))
            {
                await WriteErrorAsync(context, 401, "invalid_api_key", "The ephemeral key has expired; mint a new one.", "invalid_request_error", null).ConfigureAwait(false);
                return;
            }
        }
        else if (Options.ApiKey is { } key && bearer != key)
        {
            await WriteErrorAsync(context, 401, "invalid_api_key", "Incorrect API key provided.", "invalid_request_error", null).ConfigureAwait(false);
            return;
        }

        if (request.Path == "/v1/realtime")
        {
            await RealtimeAsync(context, request).ConfigureAwait(false);
            return;
        }

        var script = TakeScript(request.Path);
        if (script is not null)
        {
            if (script.Delay > TimeSpan.Zero)
            {
                await Task.Delay(script.Delay, ct).ConfigureAwait(false);
            }

            foreach (var header in script.Headers)
            {
                context.Response.Headers[header.Key] = header.Value;
            }

            if (script.DropConnection)
            {
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"text\":\"partial", ct).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                context.Abort();
                return;
            }

            if (script.Status is { } status)
            {
                context.Response.StatusCode = status;
                context.Response.ContentType = script.ContentType;
                if (script.Body is not null)
                {
                    await context.Response.WriteAsync(script.Body, ct).ConfigureAwait(false);
                }

                return;
            }
        }

        var pause = script?.PauseAfterFirstChunk;
        var path = request.Path;
        switch (http.Method)
        {
            case "POST" when path == "/v1/audio/transcriptions":
                await TranscribeAsync(context, request, translate: false, pause).ConfigureAwait(false);
                break;
            case "POST" when path == "/v1/audio/translations":
                await TranscribeAsync(context, request, translate: true, pause).ConfigureAwait(false);
                break;
            case "POST" when path == "/v1/audio/speech":
                await SpeakAsync(context, request, pause).ConfigureAwait(false);
                break;
            case "GET" when path == "/v1/models":
                await ListModelsAsync(context, http.Query["recommended_for"].ToString()).ConfigureAwait(false);
                break;
            case "GET" when path.StartsWith("/v1/models/", StringComparison.Ordinal):
                await GetModelAsync(context, Uri.UnescapeDataString(path["/v1/models/".Length..])).ConfigureAwait(false);
                break;
            case "POST" when path == "/v1/realtime/client_secrets":
                var (status, answer) = _secrets.Issue(request.JsonBody);
                await WriteJsonAsync(context, status, answer).ConfigureAwait(false);
                break;
            case "GET" when path == "/v1/usage":
                await UsageAsync(context).ConfigureAwait(false);
                break;
            default:
                await WriteErrorAsync(context, 404, "not_found", $"No route for {http.Method} {path}.", "invalid_request_error", null).ConfigureAwait(false);
                break;
        }
    }

    private void Record(ReceivedRequest request)
    {
        List<TaskCompletionSource<ReceivedRequest>> release = [];
        lock (_gate)
        {
            _requests.Add(request);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(request))
                {
                    release.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var done in release)
        {
            done.TrySetResult(request);
        }
    }

    private async Task RealtimeAsync(HttpContext context, ReceivedRequest request)
    {
        var query = context.Request.Query;
        var conversation = !query.ContainsKey("intent") && Options.ConversationModels.Contains(query["model"].ToString());
        var native = !conversation && !query.ContainsKey("intent") && query.ContainsKey("model");
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await WriteErrorAsync(context, 426, "upgrade_required", "This endpoint takes WebSocket connections.", "invalid_request_error", null).ConfigureAwait(false);
            return;
        }

        if (query["intent"] != "transcription" && !query.ContainsKey("model"))
        {
            await WriteErrorAsync(context, 400, "missing_required_parameter", "Missing required parameter: 'model' (use ?model=<name> query parameter for WebSocket requests).", "invalid_request_error", "model").ConfigureAwait(false);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var record = new ReceivedRealtimeSession(conversation ? "conversation" : native ? "native" : "openai", request.Query, request.Headers);
        lock (_gate)
        {
            _realtimeSessions.Add(record);
        }

        Internal.Endpoints.RealtimeEndpoint endpoint = conversation
            ? new Internal.Endpoints.ConversationRealtimeEndpoint(socket, record, Options, TakeRealtimeScript, TakeConversationReply, context.RequestAborted) { Abort = context.Abort }
            : native
            ? new Internal.Endpoints.NativeRealtimeEndpoint(socket, record, Options, TakeRealtimeScript, context.RequestAborted) { Abort = context.Abort }
            : new Internal.Endpoints.OpenAIRealtimeEndpoint(socket, record, Options, TakeRealtimeScript, context.RequestAborted) { Abort = context.Abort };
        await endpoint.RunAsync().ConfigureAwait(false);
    }

    private ConversationReply? TakeConversationReply()
    {
        lock (_gate)
        {
            return _conversationReplies.TryDequeue(out var reply) ? reply : null;
        }
    }

    private RealtimeScriptedAction? TakeRealtimeScript(string? trigger)
    {
        lock (_gate)
        {
            var index = _realtimeScripts.FindIndex(s => s.OnClientEvent == trigger);
            if (index < 0)
            {
                return null;
            }

            var action = _realtimeScripts[index];
            _realtimeScripts.RemoveAt(index);
            return action;
        }
    }

    private ScriptedResponse? TakeScript(string path)
    {
        lock (_gate)
        {
            var index = _scripts.FindIndex(s => s.PathSuffix is null || path.EndsWith(s.PathSuffix, StringComparison.Ordinal));
            if (index < 0)
            {
                return null;
            }

            var script = _scripts[index];
            _scripts.RemoveAt(index);
            return script;
        }
    }

    private async Task ReadMultipartAsync(HttpRequest http, ReceivedRequest request, CancellationToken ct)
    {
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(http.ContentType).Boundary).Value!;
        var reader = new MultipartReader(boundary, http.Body) { BodyLengthLimit = null };
        var fields = new List<KeyValuePair<string, string>>();
        MultipartSection? section;
        while ((section = await reader.ReadNextSectionAsync(ct).ConfigureAwait(false)) is not null)
        {
            var disposition = section.GetContentDispositionHeader();
            var name = HeaderUtilities.RemoveQuotes(disposition?.Name ?? default).Value ?? string.Empty;
            if (disposition is not null && disposition.IsFileDisposition())
            {
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                request.Audio = await ReadAudioAsync(section.Body, fileName, section.ContentType, ct).ConfigureAwait(false);
                request.Audio.ContentDisposition = section.ContentDisposition;
            }
            else
            {
                using var sr = new StreamReader(section.Body, Encoding.UTF8);
                fields.Add(new(name, await sr.ReadToEndAsync(ct).ConfigureAwait(false)));
            }
        }

        request.FormFields = fields;
    }

    private async Task<ReceivedAudio> ReadAudioAsync(Stream body, string? fileName, string? contentType, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var header = new byte[64 * 1024];
        var headerLength = 0;
        MemoryStream? captured = new();
        var buffer = new byte[64 * 1024];
        long total = 0;
        PcmActivity? activity = null;
        var probing = true;
        long fed = 0, dataEnd = long.MaxValue;
        int read;
        while ((read = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            if (headerLength < header.Length)
            {
                var n = Math.Min(read, header.Length - headerLength);
                Buffer.BlockCopy(buffer, 0, header, headerLength, n);
                headerLength += n;
            }

            var chunkStart = total;
            total += read;
            if (probing && AudioProbe.ReadWav(header.AsSpan(0, headerLength)) is { } found)
            {
                probing = false;
                activity = PcmActivity.Create(found.SampleRate, found.Channels, found.Bits, found.FormatTag);
                dataEnd = found.DataSize is 0 or uint.MaxValue ? long.MaxValue : found.DataOffset + found.DataSize;
                fed = found.DataOffset;
                if (activity is not null && fed < chunkStart)
                {
                    var upTo = (int)Math.Min(chunkStart, Math.Min(dataEnd, headerLength));
                    activity.Feed(header.AsSpan((int)fed, Math.Max(0, upTo - (int)fed)));
                    fed = chunkStart;
                }
            }
            else if (probing && headerLength == header.Length)
            {
                probing = false;
            }

            if (activity is not null)
            {
                var from = Math.Max(fed, chunkStart);
                var to = Math.Min(total, dataEnd);
                if (to > from)
                {
                    activity.Feed(buffer.AsSpan((int)(from - chunkStart), (int)(to - from)));
                    fed = to;
                }
            }

            if (captured is not null)
            {
                if (total <= Options.MaxCapturedFileBytes)
                {
                    captured.Write(buffer, 0, read);
                }
                else
                {
                    captured = null;
                }
            }
        }

        var head = header.AsSpan(0, headerLength);
        var format = AudioProbe.Sniff(head);
        var wav = AudioProbe.ReadWav(head);
        TimeSpan duration;
        if (wav is { } w)
        {
            var available = Math.Max(0, total - w.DataOffset);
            var dataBytes = w.DataSize is 0 or uint.MaxValue ? available : Math.Min(w.DataSize, available);
            duration = TimeSpan.FromSeconds((double)dataBytes / w.ByteRate);
        }
        else
        {
            duration = TimeSpan.FromSeconds(total / 16000.0);
        }

        return new ReceivedAudio
        {
            FileName = fileName,
            ContentType = contentType,
            Length = total,
            Sha256 = Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant(),
            Bytes = captured?.ToArray(),
            Format = format,
            SampleRate = wav?.SampleRate,
            Channels = wav?.Channels,
            Duration = duration,
            Bursts = activity?.Finish() ?? [],
            SoundAnalysed = activity is not null,
        };
    }

    private async Task TranscribeAsync(HttpContext context, ReceivedRequest request, bool translate, Task? pause)
    {
        var model = request.GetField("model");
        if (string.IsNullOrEmpty(model))
        {
            await WriteErrorAsync(context, 400, "missing_required_parameter", "you must provide a model parameter", "invalid_request_error", "model").ConfigureAwait(false);
            return;
        }

        if (request.Audio is not { } audio || audio.Length == 0)
        {
            await WriteErrorAsync(context, 400, "invalid_file", "The audio file is missing or empty.", "invalid_request_error", "file").ConfigureAwait(false);
            return;
        }

        if (audio.Format == "unknown")
        {
            await WriteErrorAsync(context, 400, "unsupported_file_type", "Unrecognized file format. Supported formats: flac, m4a, mp3, mp4, mpeg, mpga, oga, ogg, wav, webm.", "invalid_request_error", "file").ConfigureAwait(false);
            return;
        }

        var format = request.GetField("response_format") ?? "json";
        string[] formats = translate ? ["json", "text", "srt", "verbose_json", "vtt"] : ["json", "text", "srt", "verbose_json", "vtt", "diarized_json"];
        if (!formats.Contains(format))
        {
            await WriteErrorAsync(context, 400, "invalid_value", $"Invalid response_format '{format}'.", "invalid_request_error", "response_format").ConfigureAwait(false);
            return;
        }

        var script = new TranscriptScript(audio.Duration, Options.SegmentLength, audio.SoundAnalysed ? audio.Bursts : null);
        var seconds = Math.Round(audio.Duration.TotalSeconds, 3);
        var tokenUsage = model.StartsWith("gpt-", StringComparison.Ordinal);
        AddUsage(request, model, translate ? "translation" : "stt", "seconds", Math.Ceiling(seconds), seconds, null);

        if (request.GetField("stream") == "true" && !translate)
        {
            await StreamTranscriptAsync(context, request, script, format, pause).ConfigureAwait(false);
            return;
        }

        var language = translate ? "english" : request.GetField("language") ?? "english";
        switch (format)
        {
            case "text":
                await WriteTextAsync(context, script.Text + "\n").ConfigureAwait(false);
                return;
            case "srt":
                await WriteTextAsync(context, script.ToSrt()).ConfigureAwait(false);
                return;
            case "vtt":
                await WriteTextAsync(context, script.ToVtt(), "text/vtt").ConfigureAwait(false);
                return;
        }

        var body = new JsonObject();
        if (format == "json")
        {
            body["text"] = script.Text;
            if (request.GetFields("include[]").Contains("logprobs"))
            {
                body["logprobs"] = LogProbs(script.Words.Select(w => w.Word));
            }

            body["usage"] = tokenUsage ? TokenUsage(script.Text, seconds) : DurationUsage(seconds);
        }
        else if (format == "verbose_json")
        {
            body["task"] = translate ? "translate" : "transcribe";
            body["language"] = language;
            body["duration"] = seconds;
            body["text"] = script.Text;
            var granularities = request.GetFields("timestamp_granularities[]");
            if (granularities.Count == 0 || granularities.Contains("segment"))
            {
                var segments = new JsonArray();
                for (var i = 0; i < script.Segments.Count; i++)
                {
                    var s = script.Segments[i];
                    segments.Add(new JsonObject
                    {
                        ["id"] = i,
                        ["seek"] = (int)(s.Start * 100),
                        ["start"] = s.Start,
                        ["end"] = s.End,
                        ["text"] = " " + s.Text,
                        ["tokens"] = new JsonArray(50364 + i, 440, 7534),
                        ["temperature"] = 0.0,
                        ["avg_logprob"] = -0.25,
                        ["compression_ratio"] = 1.2,
                        ["no_speech_prob"] = 0.01,
                    });
                }

                body["segments"] = segments;
            }

            if (granularities.Contains("word"))
            {
                body["words"] = new JsonArray(script.Words.Select(w => (JsonNode)new JsonObject { ["word"] = w.Word, ["start"] = w.Start, ["end"] = w.End }).ToArray());
            }

            body["usage"] = DurationUsage(seconds);
        }
        else
        {
            body["task"] = "transcribe";
            body["duration"] = seconds;
            body["text"] = string.Join("\n", script.Segments.Select((s, i) => $"{Speaker(request, i)}: {s.Text}"));
            body["segments"] = new JsonArray(script.Segments.Select((s, i) => (JsonNode)DiarizedSegment(request, s, i)).ToArray());
            body["usage"] = DurationUsage(seconds);
        }

        await WriteJsonAsync(context, 200, body).ConfigureAwait(false);
    }

    private static async Task StreamTranscriptAsync(HttpContext context, ReceivedRequest request, TranscriptScript script, string format, Task? pause)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var ct = context.RequestAborted;
        var first = true;
        async Task SendAsync(JsonObject evt)
        {
            await response.WriteAsync("data: " + evt.ToJsonString() + "\n\n", ct).ConfigureAwait(false);
            await response.Body.FlushAsync(ct).ConfigureAwait(false);
            if (first && pause is not null)
            {
                await pause.WaitAsync(ct).ConfigureAwait(false);
            }

            first = false;
        }

        var withLogProbs = request.GetFields("include[]").Contains("logprobs");
        if (format == "diarized_json")
        {
            for (var i = 0; i < script.Segments.Count; i++)
            {
                await SendAsync(DiarizedSegment(request, script.Segments[i], i)).ConfigureAwait(false);
            }
        }
        else
        {
            for (var i = 0; i < script.Words.Count; i++)
            {
                var delta = (i == 0 ? string.Empty : " ") + script.Words[i].Word;
                var evt = new JsonObject { ["type"] = "transcript.text.delta", ["delta"] = delta };
                if (withLogProbs)
                {
                    evt["logprobs"] = LogProbs([delta]);
                }

                await SendAsync(evt).ConfigureAwait(false);
            }
        }

        var done = new JsonObject { ["type"] = "transcript.text.done", ["text"] = script.Text, ["usage"] = TokenUsage(script.Text, 0) };
        if (withLogProbs)
        {
            done["logprobs"] = LogProbs(script.Words.Select(w => w.Word));
        }

        await SendAsync(done).ConfigureAwait(false);
    }

    private async Task SpeakAsync(HttpContext context, ReceivedRequest request, Task? pause)
    {
        JsonObject? body;
        try
        {
            body = JsonNode.Parse(request.JsonBody ?? string.Empty) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            await WriteErrorAsync(context, 400, "invalid_json", "The body is not a JSON object.", "invalid_request_error", null).ConfigureAwait(false);
            return;
        }

        var input = body["input"]?.GetValue<string>();
        var model = body["model"]?.GetValue<string>();
        var voice = body["voice"];
        if (string.IsNullOrEmpty(model) || string.IsNullOrEmpty(input) || voice is null)
        {
            var missing = string.IsNullOrEmpty(model) ? "model" : string.IsNullOrEmpty(input) ? "input" : "voice";
            await WriteErrorAsync(context, 400, "missing_required_parameter", $"Missing required parameter: '{missing}'.", "invalid_request_error", missing).ConfigureAwait(false);
            return;
        }

        if (input.Length > 4096)
        {
            await WriteErrorAsync(context, 400, "string_above_max_length", "Input is longer than 4096 characters.", "invalid_request_error", "input").ConfigureAwait(false);
            return;
        }

        var speed = body["speed"]?.GetValue<double>() ?? 1.0;
        if (speed is < 0.25 or > 4.0)
        {
            await WriteErrorAsync(context, 400, "invalid_value", "speed must be between 0.25 and 4.0.", "invalid_request_error", "speed").ConfigureAwait(false);
            return;
        }

        var format = body["response_format"]?.GetValue<string>() ?? "mp3";
        var pcm = Tone(Math.Max(0.2, input.Length * 0.06 / speed), Options.SpeechSampleRate);
        AddUsage(request, model, "tts", "characters", input.Length, null, input.Length);
        var payload = format switch
        {
            "wav" => Wav(pcm, Options.SpeechSampleRate),
            "pcm" => pcm,
            "mp3" => [.. "ID3"u8, 4, 0, 0, 0, 0, 0, 0, .. pcm],
            "opus" => [.. "OggS"u8, 0, 2, .. pcm],
            "aac" => [0xFF, 0xF1, 0x50, 0x80, .. pcm],
            "flac" => [.. "fLaC"u8, .. pcm],
            _ => null,
        };
        if (payload is null)
        {
            await WriteErrorAsync(context, 400, "invalid_value", $"Unsupported response_format '{format}'.", "invalid_request_error", "response_format").ConfigureAwait(false);
            return;
        }

        var response = context.Response;
        var ct = context.RequestAborted;
        var chunk = Options.SpeechSampleRate * 2 * ChunkMilliseconds / 1000;
        var sse = body["stream_format"]?.GetValue<string>() == "sse";
        response.StatusCode = 200;
        response.ContentType = sse ? "text/event-stream" : format switch
        {
            "wav" => "audio/wav",
            "pcm" => "audio/pcm",
            "mp3" => "audio/mpeg",
            "opus" => "audio/ogg",
            "aac" => "audio/aac",
            _ => "audio/flac",
        };
        for (var offset = 0; offset < payload.Length; offset += chunk)
        {
            var part = payload.AsMemory(offset, Math.Min(chunk, payload.Length - offset));
            if (sse)
            {
                var evt = new JsonObject { ["type"] = "speech.audio.delta", ["audio"] = Convert.ToBase64String(part.Span) };
                await response.WriteAsync("data: " + evt.ToJsonString() + "\n\n", ct).ConfigureAwait(false);
            }
            else
            {
                await response.Body.WriteAsync(part, ct).ConfigureAwait(false);
            }

            await response.Body.FlushAsync(ct).ConfigureAwait(false);
            if (offset == 0 && pause is not null)
            {
                await pause.WaitAsync(ct).ConfigureAwait(false);
            }
        }

        if (sse)
        {
            var inputTokens = Math.Max(1, input.Length / 4);
            var outputTokens = payload.Length / 960;
            var done = new JsonObject
            {
                ["type"] = "speech.audio.done",
                ["usage"] = new JsonObject { ["input_tokens"] = inputTokens, ["output_tokens"] = outputTokens, ["total_tokens"] = inputTokens + outputTokens },
            };
            await response.WriteAsync("data: " + done.ToJsonString() + "\n\n", ct).ConfigureAwait(false);
        }
    }

    private async Task ListModelsAsync(HttpContext context, string recommendedFor)
    {
        var data = new JsonArray();
        foreach (var model in Options.Models.Where(m => recommendedFor.Length == 0 || m.Value == recommendedFor))
        {
            data.Add(ModelJson(model.Key, model.Value));
        }

        await WriteJsonAsync(context, 200, new JsonObject { ["object"] = "list", ["data"] = data }).ConfigureAwait(false);
    }

    private async Task GetModelAsync(HttpContext context, string id)
    {
        if (Options.Models.TryGetValue(id, out var purpose))
        {
            await WriteJsonAsync(context, 200, ModelJson(id, purpose)).ConfigureAwait(false);
        }
        else
        {
            await WriteErrorAsync(context, 404, "model_not_found", $"The model '{id}' does not exist.", "invalid_request_error", "model").ConfigureAwait(false);
        }
    }

    private async Task UsageAsync(HttpContext context)
    {
        var query = context.Request.Query;
        long? Long(string name) => long.TryParse(query[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
        var start = Long("start_time");
        var end = Long("end_time");
        var limit = (int)(Long("limit") ?? 100);
        var model = query["model"].ToString();
        var modality = query["modality"].ToString();
        var after = query["after"].ToString();
        List<JsonObject> records;
        lock (_gate)
        {
            records = _usage.Select(u => (JsonObject)u.DeepClone()).ToList();
        }

        var filtered = records
            .Where(r => model.Length == 0 || (string?)r["model"] == model)
            .Where(r => modality.Length == 0 || (string?)r["modality"] == modality)
            .Where(r => start is null || (long)r["created_at"]! >= start)
            .Where(r => end is null || (long)r["created_at"]! <= end)
            .SkipWhile(r => after.Length > 0 && (string?)r["id"] != after)
            .Skip(after.Length > 0 ? 1 : 0)
            .ToList();
        var page = filtered.Take(limit).ToList();
        var hasMore = filtered.Count > page.Count;
        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(page.Select(p => (JsonNode)p).ToArray()),
            ["has_more"] = hasMore,
            ["next_cursor"] = hasMore ? (string?)page[^1]["id"] : null,
        }).ConfigureAwait(false);
    }

    private void AddUsage(ReceivedRequest request, string model, string modality, string unit, double quantity, double? seconds, long? characters)
    {
        lock (_gate)
        {
            _usage.Add(new JsonObject
            {
                ["id"] = "usage_" + (_usage.Count + 1).ToString(CultureInfo.InvariantCulture),
                ["object"] = "usage.record",
                ["request_id"] = request.Id,
                ["model"] = model,
                ["modality"] = modality,
                ["billing_unit"] = unit,
                ["quantity"] = quantity,
                ["duration_seconds"] = seconds,
                ["characters"] = characters,
                ["created_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            });
        }
    }

    private static string Speaker(ReceivedRequest request, int index)
    {
        var names = request.GetFields("known_speaker_names[]");
        return names.Count > 0 ? names[index % names.Count] : ((char)('A' + (index % 2))).ToString();
    }

    private static JsonObject DiarizedSegment(ReceivedRequest request, (double Start, double End, string Text) s, int i) => new()
    {
        ["type"] = "transcript.text.segment",
        ["id"] = "seg_" + (i + 1).ToString("D3", CultureInfo.InvariantCulture),
        ["start"] = s.Start,
        ["end"] = s.End,
        ["text"] = s.Text,
        ["speaker"] = Speaker(request, i),
    };

    private static JsonObject ModelJson(string id, string purpose) => new()
    {
        ["id"] = id,
        ["object"] = "model",
        ["created"] = 1700000000,
        ["owned_by"] = "audiosdk-testing",
        ["recommended_for"] = new JsonArray(purpose),
    };

    private static JsonArray LogProbs(IEnumerable<string> tokens) =>
        new(tokens.Select(t => (JsonNode)new JsonObject
        {
            ["token"] = t,
            ["logprob"] = -0.01,
            ["bytes"] = new JsonArray(Encoding.UTF8.GetBytes(t).Select(b => (JsonNode)(int)b).ToArray()),
        }).ToArray());

    private static JsonObject DurationUsage(double seconds) => new() { ["type"] = "duration", ["seconds"] = Math.Ceiling(seconds) };

    private static JsonObject TokenUsage(string text, double seconds)
    {
        var audioTokens = (int)Math.Ceiling(seconds * 10);
        var output = Math.Max(1, text.Length / 4);
        return new JsonObject
        {
            ["type"] = "tokens",
            ["input_tokens"] = audioTokens,
            ["input_token_details"] = new JsonObject { ["text_tokens"] = 0, ["audio_tokens"] = audioTokens },
            ["output_tokens"] = output,
            ["total_tokens"] = audioTokens + output,
        };
    }

    private static byte[] Tone(double seconds, int sampleRate)
    {
        var samples = (int)(seconds * sampleRate);
        var pcm = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var value = (short)(Math.Sin(2 * Math.PI * 440 * i / sampleRate) * 0.3 * short.MaxValue);
            pcm[2 * i] = (byte)value;
            pcm[(2 * i) + 1] = (byte)(value >> 8);
        }

        return pcm;
    }

    private static byte[] Wav(byte[] pcm, int sampleRate)
    {
        var wav = new byte[44 + pcm.Length];
        var span = wav.AsSpan();
        "RIFF"u8.CopyTo(span);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + pcm.Length);
        "WAVEfmt "u8.CopyTo(span[8..]);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[24..], sampleRate);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[28..], sampleRate * 2);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[40..], pcm.Length);
        pcm.CopyTo(span[44..]);
        return wav;
    }

    private static Task WriteTextAsync(HttpContext context, string text, string contentType = "text/plain")
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType + "; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    private static Task WriteJsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string code, string message, string type, string? param) =>
        WriteJsonAsync(context, status, new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code } });
}
