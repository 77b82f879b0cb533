using System.Net.WebSockets;

namespace AudioSdk.Realtime;

/// <summary>
/// The connection dropped and the session is about to try a new one (<see cref="RealtimeSessionOptions.Reconnect"/>).
/// Synthesized by the SDK; one per attempt.
/// </summary>
/// <param name="attempt">The attempt about to be made, from 1.</param>
/// <param name="delay">The wait before it.</param>
/// <param name="closeStatus">The close status of the connection that ended, when it closed with a handshake.</param>
/// <param name="reason">What ended the connection (or why the last attempt failed), secrets redacted.</param>
public sealed class Reconnecting(int attempt, TimeSpan delay, WebSocketCloseStatus? closeStatus,
    string reason) : RealtimeEvent("reconnecting", default(System.Text.Json.JsonElement))
{
    /// <summary>The attempt about to be made, from 1.</summary>
    public int Attempt { get; } = attempt;

    /// <summary>The wait before the attempt.</summary>
    public TimeSpan Delay { get; } = delay;

    /// <summary>The close status of the connection that ended; <see langword="null"/> when it dropped without a handshake.</summary>
    public WebSocketCloseStatus? CloseStatus { get; } = closeStatus;

    /// <summary>What ended the connection, or why the previous attempt failed.</summary>
    public string Reason { get; } = reason;

    /// <inheritdoc />
    public override string ToString() => $"Reconnecting attempt {Attempt} in {Delay.TotalMilliseconds:0} ms: {Reason}";
}
