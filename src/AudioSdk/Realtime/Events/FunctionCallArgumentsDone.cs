using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>A function call is complete (<c>response.function_call_arguments.done</c>, conversation dialect): run the tool and answer with
/// <see cref="RealtimeSession.AnswerFunctionCallAsync"/> or <see cref="RealtimeSession.SendFunctionOutputAsync"/>.</summary>
/// <param name="responseId">The response that made the call.</param>
/// <param name="itemId">The function call item.</param>
/// <param name="callId">The call id to answer with.</param>
/// <param name="name">The function's name.</param>
/// <param name="arguments">The arguments, a JSON text.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class FunctionCallArgumentsDone(string? responseId, string? itemId, string? callId, string? name, string arguments,
    JsonElement raw) : RealtimeEvent("response.function_call_arguments.done", raw)
{
    /// <summary>The response that made the call.</summary>
    public string? ResponseId { get; } = responseId;

    /// <summary>The function call item.</summary>
    public string? ItemId { get; } = itemId;

    /// <summary>The call id to answer with.</summary>
    public string? CallId { get; } = callId;

    /// <summary>The function's name.</summary>
    public string? Name { get; } = name;

    /// <summary>The arguments, a JSON text.</summary>
    public string Arguments { get; } = arguments;

    /// <inheritdoc />
    public override string ToString() => $"FunctionCallArgumentsDone {ResponseId} {ItemId}";
}
