using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>
/// A response ended, whatever its outcome (<c>response.done</c>, conversation dialect): <see cref="Status"/> is
/// <c>completed</c>, <c>cancelled</c>, <c>failed</c> or <c>incomplete</c>; billed usage is only here.
/// </summary>
/// <param name="responseId">The response id.</param>
/// <param name="status">The final status.</param>
/// <param name="statusReason">Why it was cancelled or incomplete (<c>turn_detected</c>, <c>client_cancelled</c>, <c>max_output_tokens</c>,
/// <c>content_filter</c>).</param>
/// <param name="outputItemIds">The ids of its output items, in order.</param>
/// <param name="usage">Its token usage.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class ResponseDone(string? responseId, string? status, string? statusReason, IReadOnlyList<string> outputItemIds,
    RealtimeUsage? usage, JsonElement raw) : RealtimeEvent("response.done", raw)
{
    /// <summary>The response id.</summary>
    public string? ResponseId { get; } = responseId;

    /// <summary>The final status: <c>completed</c>, <c>cancelled</c>, <c>failed</c> or <c>incomplete</c>.</summary>
    public string? Status { get; } = status;

    /// <summary>Why it was cancelled or incomplete, when the server says.</summary>
    public string? StatusReason { get; } = statusReason;

    /// <summary>The ids of its output items (messages and function calls), in order.</summary>
    public IReadOnlyList<string> OutputItemIds { get; } = outputItemIds;

    /// <summary>Token usage (input, output, total; the details stay in <see cref="RealtimeUsage.Raw"/>).</summary>
    public RealtimeUsage? Usage { get; } = usage;

    /// <inheritdoc />
    public override string ToString() => $"ResponseDone {ResponseId} {Status}";
}
