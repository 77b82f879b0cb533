using System.Net.WebSockets;

namespace AudioSdk.Testing;

/// <summary>
/// Something the realtime endpoint does when the next client event of a type arrives (or at once on connect):
/// wait, send a message of your own, send a frame that is not JSON, close, or drop the connection.
/// </summary>
public sealed class RealtimeScriptedAction
{
    /// <summary>The client event type that triggers it (such as <c>input_audio_buffer.commit</c>); <see langword="null"/> triggers on connect.</summary>
    public string? OnClientEvent { get; init; }

    /// <summary>How long to wait first.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>A message to send as is (JSON or not).</summary>
    public string? Send { get; init; }

    /// <summary>Close with this status after sending.</summary>
    public WebSocketCloseStatus? CloseStatus { get; init; }

    /// <summary>The close reason.</summary>
    public string? CloseReason { get; init; }

    /// <summary>Drop the TCP connection without a close handshake.</summary>
    public bool DropConnection { get; init; }

    /// <summary>Do not handle the triggering event normally (replace the server's answer).</summary>
    public bool SkipNormalHandling { get; init; }
}
