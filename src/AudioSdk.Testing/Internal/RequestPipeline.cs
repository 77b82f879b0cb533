using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AudioSdk.Testing;

/// <summary>The middleware in front of every route: request id, body reading, recording, authentication, scripted answers; then the route mapped for the path.</summary>
public sealed partial class AudioTestServer
{
    private async Task HandleAsync(HttpContext context, RequestDelegate next)
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

            await HandleCoreAsync(context, next).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _activeResponses);
            Interlocked.Increment(ref _completedResponses);
        }
    }

    private async Task HandleCoreAsync(HttpContext context, RequestDelegate next)
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

        context.Items[typeof(ReceivedRequest)] = request;
        if (request.Path == "/v1/realtime")
        {
            await next(context).ConfigureAwait(false);
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

        context.Items[typeof(ScriptedResponse)] = script?.PauseAfterFirstChunk;
        await next(context).ConfigureAwait(false);
    }

    /// <summary>The routes, one per endpoint, behind the middleware; an unknown path or method is a 404 naming it.</summary>
    private void MapRoutes(IEndpointRouteBuilder app)
    {
        app.Map("/v1/audio/transcriptions", context => Only("POST", context, c => TranscribeAsync(c, RequestOf(c), translate: false, PauseOf(c))));
        app.Map("/v1/audio/translations", context => Only("POST", context, c => TranscribeAsync(c, RequestOf(c), translate: true, PauseOf(c))));
        app.Map("/v1/audio/speech", context => Only("POST", context, c => SpeakAsync(c, RequestOf(c), PauseOf(c))));
        app.Map("/v1/models", context => Only("GET", context, c => ListModelsAsync(c, c.Request.Query["recommended_for"].ToString())));
        app.Map("/v1/models/{**id}", context => Only("GET", context, c => GetModelAsync(c, Uri.UnescapeDataString(RequestOf(c).Path["/v1/models/".Length..]))));
        app.Map("/v1/realtime/client_secrets", context => Only("POST", context, c =>
        {
            var (status, answer) = _secrets.Issue(RequestOf(c).JsonBody);
            return WriteJsonAsync(c, status, answer);
        }));
        app.Map("/v1/usage", context => Only("GET", context, UsageAsync));
        app.Map("/v1/realtime", context => RealtimeAsync(context, RequestOf(context)));
        app.MapFallback(NoRouteAsync);
    }

    private static ReceivedRequest RequestOf(HttpContext context) => (ReceivedRequest)context.Items[typeof(ReceivedRequest)]!;

    private static Task? PauseOf(HttpContext context) => context.Items[typeof(ScriptedResponse)] as Task;

    private static Task Only(string method, HttpContext context, Func<HttpContext, Task> handle) => context.Request.Method == method ? handle(context) : NoRouteAsync(context);

    private static Task NoRouteAsync(HttpContext context) =>
        WriteErrorAsync(context, 404, "not_found", $"No route for {context.Request.Method} {context.Request.Path.Value ?? "/"}.", "invalid_request_error", null);

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
