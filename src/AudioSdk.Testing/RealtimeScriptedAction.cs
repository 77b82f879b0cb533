using System.Net.WebSockets;

namespace AudioSdk.Testing;

/// <summary>
/// Something the realtime endpoint does when the next client event of a type arrives (or at once on connect):
/// wait, send a message of your own (or raw malformed bytes), close, drop the connection, or reset it during the client's send.
/// </summary>
public sealed class RealtimeScriptedAction
{
    /// <summary>The client event type that triggers it (such as <c>input_audio_buffer.commit</c>); <see langword="null"/> triggers on
    /// connect.</summary>
    public string? OnClientEvent { get; init; }

    /// <summary>How long to wait first.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>A message to send as is (JSON or not).</summary>
    public string? Send { get; init; }

    /// <summary>
    /// A message to send byte for byte, malformed as you like (invalid UTF-8, broken JSON, lone surrogates), as a frame
    /// of <see cref="RawMessageType"/>.
    /// </summary>
    public byte[]? SendRaw { get; init; }

    /// <summary>The frame type for <see cref="SendRaw"/>. Default text (a client's WebSocket fails text frames that are not
    /// UTF-8).</summary>
    public WebSocketMessageType RawMessageType { get; init; } = WebSocketMessageType.Text;

    /// <summary>Cut the TCP connection while the client's next message is arriving (a reset during its send).</summary>
    public bool ResetDuringClientSend { get; init; }

    /// <summary>Close with this status after sending.</summary>
    public WebSocketCloseStatus? CloseStatus { get; init; }

    /// <summary>The close reason.</summary>
    public string? CloseReason { get; init; }

    /// <summary>
    /// Drop the TCP connection without a close handshake. After a <see cref="Send"/> or <see cref="SendRaw"/> in the same
    /// action, the drop waits 150 ms so what was sent reaches the client first; otherwise it is immediate.
    /// </summary>
    public bool DropConnection { get; init; }

    /// <summary>Do not handle the triggering event normally (replace the server's answer).</summary>
    public bool SkipNormalHandling { get; init; }
}
