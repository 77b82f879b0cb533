using Microsoft.AspNetCore.Http;

namespace AudioSdk.Testing;

/// <summary>The realtime route: the WebSocket upgrade, and the dialect endpoint that serves it (transcription, native or conversation).</summary>
public sealed partial class AudioTestServer
{
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
}
