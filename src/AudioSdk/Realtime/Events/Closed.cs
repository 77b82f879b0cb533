using System.Net.WebSockets;

namespace AudioSdk.Realtime;

/// <summary>The session's connection ended: the last event of the stream.</summary>
/// <param name="closeStatus">The close status, when there was a close handshake.</param>
/// <param name="closeDescription">The close reason, or what went wrong when the connection dropped.</param>
/// <param name="byClient">True when the session was closed by this client (dispose).</param>
public sealed class Closed(WebSocketCloseStatus? closeStatus, string? closeDescription, bool byClient) : RealtimeEvent("closed",
    default(System.Text.Json.JsonElement))
{
    /// <summary>The close status; <see langword="null"/> when the connection dropped without a handshake.</summary>
    public WebSocketCloseStatus? CloseStatus { get; } = closeStatus;

    /// <summary>The close reason, or what went wrong.</summary>
    public string? CloseDescription { get; } = closeDescription;

    /// <summary>True when this client closed the session.</summary>
    public bool ByClient { get; } = byClient;

    /// <inheritdoc />
    public override string ToString() => $"Closed {CloseStatus} {CloseDescription}";
}
