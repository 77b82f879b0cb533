using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>A response began (<c>response.created</c>, conversation dialect): its output follows as deltas, and <see cref="ResponseDone"/>
/// always ends it.</summary>
/// <param name="responseId">The response id (<c>resp_...</c>).</param>
/// <param name="raw">The JSON as received.</param>
public sealed class ResponseCreated(string? responseId, JsonElement raw) : RealtimeEvent("response.created", raw)
{
    /// <summary>The response id.</summary>
    public string? ResponseId { get; } = responseId;

    /// <inheritdoc />
    public override string ToString() => $"ResponseCreated {ResponseId}";
}
