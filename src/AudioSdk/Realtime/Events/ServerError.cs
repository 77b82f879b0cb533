using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>
/// The server reported an error (<c>error</c>; the native dialect's flat string errors included). The session
/// stays open; the awaited call the error belongs to fails with a <see cref="RealtimeException"/> too.
/// </summary>
/// <param name="errorType">The error type (<see langword="null"/> in the native dialect).</param>
/// <param name="code">The error code, such as <c>input_audio_buffer_commit_empty</c> or <c>model_not_validated</c>.</param>
/// <param name="message">The message.</param>
/// <param name="param">The parameter named.</param>
/// <param name="clientEventId">The id of the client event that caused it, when the server echoes it.</param>
/// <param name="raw">The JSON as received; undefined for errors the SDK raised itself.</param>
public sealed class ServerError(string? errorType, string? code, string message, string? param, string? clientEventId, JsonElement raw)
    : RealtimeEvent("error", raw)
{
    /// <summary>The error type.</summary>
    public string? ErrorType { get; } = errorType;

    /// <summary>The error code.</summary>
    public string? Code { get; } = code;

    /// <summary>The message.</summary>
    public string Message { get; } = message;

    /// <summary>The parameter named.</summary>
    public string? Param { get; } = param;

    /// <summary>The client event that caused it, when echoed.</summary>
    public string? ClientEventId { get; } = clientEventId;

    /// <inheritdoc />
    public override string ToString() => $"ServerError {Code}: {Message}";
}
