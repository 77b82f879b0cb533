using Microsoft.Extensions.Logging;

namespace AudioSdk.Internal.Diagnostics;

/// <summary>The client's log messages, with stable event ids. Keys, audio and transcript text never appear.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Sending {Method} {Path} (attempt {Attempt}).")]
    public static partial void Sending(ILogger logger, string method, string path, int attempt);

    [LoggerMessage(2, LogLevel.Debug, "{Method} {Path} answered {Status} with request id {RequestId}.")]
    public static partial void Answered(ILogger logger, string method, string path, int status, string? requestId);

    [LoggerMessage(3, LogLevel.Warning, "Retrying {Method} {Path} in {DelayMs} ms (retry {Retry}) after: {Reason}")]
    public static partial void Retrying(ILogger logger, string method, string path, double delayMs, int retry, string reason);

    [LoggerMessage(4, LogLevel.Warning, "The supplied HttpClient has a Timeout of {HttpClientTimeout}, shorter than the NetworkTimeout of {NetworkTimeout}; long uploads may be cut off. Set HttpClient.Timeout to Timeout.InfiniteTimeSpan.")]
    public static partial void ShortHttpClientTimeout(ILogger logger, TimeSpan httpClientTimeout, TimeSpan networkTimeout);

    [LoggerMessage(6, LogLevel.Information, "Realtime session opened ({Dialect}) to {Address}.")]
    public static partial void RealtimeOpened(ILogger logger, string dialect, string address);

    [LoggerMessage(7, LogLevel.Information, "Realtime session closed after {Seconds} s: {Reason}")]
    public static partial void RealtimeClosed(ILogger logger, double seconds, string reason);

    [LoggerMessage(31, LogLevel.Debug, "Realtime server message of type {EventType} ({Length} bytes) passed on as it came: {Problem}")]
    public static partial void RealtimeMessageNotUnderstood(ILogger logger, string eventType, int length, string problem);

    [LoggerMessage(33, LogLevel.Warning, "Realtime connection lost ({Reason}); reconnecting, attempt {Attempt} in {DelayMs} ms.")]
    public static partial void RealtimeReconnecting(ILogger logger, string reason, int attempt, double delayMs);

    [LoggerMessage(34, LogLevel.Information, "Realtime session reconnected after {Attempts} attempt(s); {Seconds} s of audio in {Utterances} utterance(s) sent again.")]
    public static partial void RealtimeReconnected(ILogger logger, int attempts, double seconds, int utterances);

    [LoggerMessage(35, LogLevel.Debug, "Realtime: a client-side turn's commit was not confirmed: {Reason}")]
    public static partial void RealtimeTurnCommitFailed(ILogger logger, string reason);

    [LoggerMessage(32, LogLevel.Debug, "Realtime audio: an odd trailing byte was dropped at the {Boundary} (PCM16 takes whole samples).")]
    public static partial void RealtimeOddByteDropped(ILogger logger, string boundary);

    [LoggerMessage(5, LogLevel.Debug, "Skipped a stream event of unknown type {EventType}.")]
    public static partial void SkippedEvent(ILogger logger, string eventType);

    [LoggerMessage(20, LogLevel.Debug, "A streaming transcription was answered with {MediaType} instead of server-sent events; the whole transcript is yielded as one update.")]
    public static partial void StreamAnsweredWithJson(ILogger logger, string mediaType);
}
