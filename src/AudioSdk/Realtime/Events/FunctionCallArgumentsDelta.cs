using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>A piece of a function call's JSON arguments as the model writes them (<c>response.function_call_arguments.delta</c>,
/// conversation dialect).</summary>
/// <param name="responseId">The response it belongs to.</param>
/// <param name="itemId">The function call item.</param>
/// <param name="callId">The call id to answer with.</param>
/// <param name="delta">The piece of the arguments.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class FunctionCallArgumentsDelta(string? responseId, string? itemId, string? callId, string delta,
    JsonElement raw) : RealtimeEvent("response.function_call_arguments.delta", raw)
{
    /// <summary>The response it belongs to.</summary>
    public string? ResponseId { get; } = responseId;

    /// <summary>The function call item.</summary>
    public string? ItemId { get; } = itemId;

    /// <summary>The call id to answer with.</summary>
    public string? CallId { get; } = callId;

    /// <summary>The piece of the arguments.</summary>
    public string Delta { get; } = delta;

    /// <inheritdoc />
    public override string ToString() => $"FunctionCallArgumentsDelta {ResponseId} {ItemId}";
}
