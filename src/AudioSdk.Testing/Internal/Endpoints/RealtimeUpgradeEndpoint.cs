using Microsoft.AspNetCore.Http;

namespace AudioSdk.Testing.Internal.Endpoints;

/// <summary>The realtime route: the WebSocket upgrade, and the dialect endpoint that serves it (transcription, native or
/// conversation).</summary>
internal sealed class RealtimeUpgradeEndpoint(ServerState state)
{
    public async Task HandleAsync(HttpContext context)
    {
        var request = RequestPipeline.RequestOf(context);
        var options = state.Options;
        var query = context.Request.Query;
        var conversation = !query.ContainsKey("intent") && options.ConversationModels.Contains(query["model"].ToString());
        var native = !conversation && !query.ContainsKey("intent") && query.ContainsKey("model");
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await HttpAnswers.InvalidRequestAsync(context, 426, "upgrade_required",
                "This endpoint takes WebSocket connections.").ConfigureAwait(false);
            return;
        }

        if (query["intent"] != "transcription" && !query.ContainsKey("model"))
        {
            await HttpAnswers.InvalidRequestAsync(context, 400, "missing_required_parameter",
                "Missing required parameter: 'model' (use ?model=<name> query parameter for WebSocket requests).",
                "model").ConfigureAwait(false);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var record = new ReceivedRealtimeSession(conversation ? "conversation" : native ? "native" : "openai", request.Query,
            request.Headers);
        state.Add(record);

        RealtimeEndpoint endpoint = conversation
            ? new ConversationRealtimeEndpoint(socket, record, options, state.TakeRealtimeScript, state.TakeConversationReply,
                context.RequestAborted) { Abort = context.Abort }
            : native
            ? new NativeRealtimeEndpoint(socket, record, options, state.TakeRealtimeScript,
                context.RequestAborted) { Abort = context.Abort }
            : new OpenAIRealtimeEndpoint(socket, record, options, state.TakeRealtimeScript,
                context.RequestAborted) { Abort = context.Abort };
        await endpoint.RunAsync().ConfigureAwait(false);
    }
}
