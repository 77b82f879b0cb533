using System.Text.Json;

namespace AudioSdk.Internal.Json;

/// <summary>What the streaming readers (transcription, speech) share: parsing one event, and the error for a known event of the wrong
/// shape.</summary>
internal static class StreamEvent
{
    /// <summary>The event's JSON, or <see langword="null"/> when the data is not JSON (such events are skipped).</summary>
    public static JsonElement? TryParse(string data)
    {
        try
        {
            using var doc = JsonDocument.Parse(data);
            return doc.RootElement.Clone();
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>What reading a known event's fields throws when they have the wrong shape.</summary>
    public static bool IsMalformed(Exception ex) => ex is JsonException or InvalidOperationException or FormatException;

    /// <summary>A known event whose fields do not have the expected shape: <c>invalid_response</c>, as for a whole body.</summary>
    public static AudioServiceException Malformed(Exception ex, ResponseMetadata metadata, string streamName, string? apiKey) =>
        new(
            SecretRedactor.Redact($"The service sent a {streamName} event that is not the expected JSON: {ex.Message}", apiKey)!,
            metadata.Status,
            code: AudioErrorCodes.InvalidResponse,
            requestId: metadata.RequestId,
            metadata: metadata);
}
