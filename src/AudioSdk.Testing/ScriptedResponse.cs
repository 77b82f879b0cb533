using System.Text.Json.Nodes;

namespace AudioSdk.Testing;

/// <summary>
/// An answer the test server gives instead of its own, to the next matching request: a status and body,
/// headers such as <c>Retry-After</c>, a delay, a dropped connection, or a pause in a streamed answer.
/// The request is still read and recorded first.
/// </summary>
public sealed class ScriptedResponse
{
    /// <summary>Only requests whose path ends with this (such as <c>/audio/speech</c>) take this answer; <see langword="null"/> matches
    /// any.</summary>
    public string? PathSuffix { get; init; }

    /// <summary>The status to answer with; <see langword="null"/> lets the server answer normally (after any delay or pause).</summary>
    public int? Status { get; init; }

    /// <summary>The body to send with <see cref="Status"/>.</summary>
    public string? Body { get; init; }

    /// <summary>The body's content type.</summary>
    public string ContentType { get; init; } = "application/json";

    /// <summary>Headers added to the answer (for example <c>Retry-After</c>).</summary>
    public IDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long to wait before answering.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Send the headers and part of a body, then drop the connection.</summary>
    public bool DropConnection { get; init; }

    /// <summary>
    /// For the server's own streamed answers (streaming transcription, speech): after the first event
    /// or chunk has been flushed, wait for this task before sending the rest.
    /// </summary>
    public Task? PauseAfterFirstChunk { get; init; }

    /// <summary>An OpenAI-style error answer.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="code">The error code, such as <c>file_too_large</c>.</param>
    /// <param name="message">The message.</param>
    /// <param name="type">The error type.</param>
    /// <param name="param">The parameter named.</param>
    public static ScriptedResponse Error(int status, string? code, string message = "Scripted error.",
        string type = "invalid_request_error", string? param = null)
    {
        var error = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code };
        return new ScriptedResponse { Status = status, Body = new JsonObject { ["error"] = error }.ToJsonString() };
    }

    /// <summary>A 429 with <c>Retry-After</c> in seconds.</summary>
    /// <param name="seconds">The delay to ask for.</param>
    public static ScriptedResponse RateLimited(int seconds)
    {
        var response = Error(429, "rate_limit_exceeded", "Rate limit reached.", "requests");
        response.Headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return response;
    }
}
