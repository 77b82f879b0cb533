using System.Text;
using Microsoft.AspNetCore.Http;

namespace AudioSdk.Testing.Internal;

/// <summary>The middleware in front of every route: request id, body reading, recording, authentication, scripted answers; then the route
/// mapped for the path.</summary>
internal sealed class RequestPipeline(ServerState state)
{
    private AudioTestServerOptions Options => state.Options;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        state.ResponseStarted();
        try
        {
            if (Options.AttestationDocument is { } attestation && context.Request.Path == "/.well-known/tinfoil-attestation")
            {
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync(attestation(context.Request.Query["nonce"].ToString())).ConfigureAwait(false);
                return;
            }

            if (state.Tinfoil is { } tinfoil && HttpMethods.IsGet(context.Request.Method)
                && (context.Request.Path == "/attestation" || context.Request.Path == "/vcek/v1/Genoa/crl"))
            {
                var attestationService = context.Request.Path == "/attestation";
                context.Response.ContentType = attestationService ? "application/json" : "application/pkix-crl";
                await context.Response.Body.WriteAsync(attestationService ? tinfoil.Bundle : tinfoil.Crl).ConfigureAwait(false);
                return;
            }

            if (state.Ehbp is { } ehbp)
            {
                await ehbp.InvokeAsync(context, c => HandleCoreAsync(c, next)).ConfigureAwait(false);
            }
            else
            {
                await HandleCoreAsync(context, next).ConfigureAwait(false);
            }
        }
        finally
        {
            state.ResponseFinished();
        }
    }

    private async Task HandleCoreAsync(HttpContext context, RequestDelegate next)
    {
        var http = context.Request;
        var id = state.NextRequestId();
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
        var request = new ReceivedRequest(id, http.Method, http.Path.Value ?? "/", http.QueryString.Value ?? string.Empty,
            headers) { ContentType = http.ContentType };
        var ct = context.RequestAborted;
        if (http.HasFormContentType && http.ContentType!.Contains("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            await MultipartBodyReader.ReadAsync(http, request, Options.MaxCapturedFileBytes, ct).ConfigureAwait(false);
        }
        else if (http.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            using var reader = new StreamReader(http.Body, Encoding.UTF8);
            request.JsonBody = await reader.ReadToEndAsync(ct).ConfigureAwait(false);
        }

        state.Record(request);

        var authorization = headers.GetValueOrDefault("Authorization");
        var bearer = authorization is not null
            && authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : null;
        if (request.Path == "/v1/realtime" && state.Secrets.WasIssued(bearer))
        {
            if (!state.Secrets.IsValid(bearer))
            {
                await HttpAnswers.InvalidRequestAsync(context, 401, "invalid_api_key",
                    "The ephemeral key has expired; mint a new one.").ConfigureAwait(false);
                return;
            }
        }
        else if (Options.ApiKey is { } key && bearer != key)
        {
            await HttpAnswers.InvalidRequestAsync(context, 401, "invalid_api_key", "Incorrect API key provided.").ConfigureAwait(false);
            return;
        }

        context.Items[typeof(ReceivedRequest)] = request;
        if (request.Path == "/v1/realtime")
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var script = state.TakeScript(request.Path);
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

    /// <summary>The request the middleware recorded for this context.</summary>
    public static ReceivedRequest RequestOf(HttpContext context) => (ReceivedRequest)context.Items[typeof(ReceivedRequest)]!;

    /// <summary>A scripted pause after the first chunk of a streamed answer, or <see langword="null"/>.</summary>
    public static Task? PauseOf(HttpContext context) => context.Items[typeof(ScriptedResponse)] as Task;
}
