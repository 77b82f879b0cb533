using System.Text.Json;
using AudioSdk.Internal.Diagnostics;
using AudioSdk.Internal.Http;
using AudioSdk.Internal;
using AudioSdk.Internal.Json;
using Microsoft.Extensions.Logging;

namespace AudioSdk.Transcriptions;

/// <summary>
/// Reads one server-sent event of a streaming transcription: OpenAI's <c>transcript.text.*</c> events,
/// vLLM's <c>transcription.chunk</c> objects, and <c>error</c> events (thrown, the key redacted). Anything else is
/// skipped; a known event whose fields do not have the expected shape is an <see cref="AudioServiceException"/>
/// (<c>invalid_response</c>), as for a non-streamed body.
/// </summary>
internal static class TranscriptionEventReader
{
    public static TranscriptionUpdate? Read(string data, ResponseMetadata metadata, ILogger logger, string? apiKey)
    {
        try
        {
            return ReadCore(data, metadata, logger, apiKey);
        }
        catch (Exception ex) when (StreamEvent.IsMalformed(ex))
        {
            throw StreamEvent.Malformed(ex, metadata, "stream", apiKey);
        }
    }

    private static TranscriptionUpdate? ReadCore(string data, ResponseMetadata metadata, ILogger logger, string? apiKey)
    {
        if (string.IsNullOrWhiteSpace(data))
        {
            return null;
        }

        if (StreamEvent.TryParse(data) is not { } root)
        {
            Log.SkippedEvent(logger, "(not JSON)");
            return null;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : null;
        switch (type)
        {
            case "transcript.text.delta":
                return new TranscriptionUpdate(TranscriptionUpdateKind.Delta, type, root, metadata)
                {
                    Delta = String(root, "delta") ?? string.Empty,
                    SegmentId = String(root, "segment_id"),
                    LogProbabilities = LogProbs(root),
                };
            case "transcript.text.segment":
                var segment = root.Deserialize(AudioSdkJsonContext.Default.TranscriptionDiarizedSegment)
                    ?? throw new JsonException("The segment event is empty.");
                return new TranscriptionUpdate(TranscriptionUpdateKind.Segment, type, root, metadata) { Segment = segment,
                    Text = segment.Text, SegmentId = segment.Id };
            case "transcript.text.done":
                return new TranscriptionUpdate(TranscriptionUpdateKind.Done, type, root, metadata)
                {
                    Text = String(root, "text") ?? string.Empty,
                    LogProbabilities = LogProbs(root),
                    Usage = Usage(root),
                };
            case "error":
                throw ErrorResponseReader.FromStreamEvent(root, metadata, "stream", apiKey);
        }

        if (type is null && root.TryGetProperty("error", out _))
        {
            throw ErrorResponseReader.FromStreamEvent(root, metadata, "stream", apiKey);
        }

        if (type is null && root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
        {
            return VllmChunk(root, choices, metadata);
        }

        Log.SkippedEvent(logger, SecretRedactor.Redact(type, apiKey) ?? "(no type)");
        return null;
    }

    private static TranscriptionUpdate? VllmChunk(JsonElement root, JsonElement choices, ResponseMetadata metadata)
    {
        foreach (var choice in choices.EnumerateArray())
        {
            if (choice.TryGetProperty("delta", out var delta) && String(delta, "content") is { Length: > 0 } content)
            {
                return new TranscriptionUpdate(TranscriptionUpdateKind.Delta, "transcription.chunk", root, metadata) { Delta = content };
            }
        }

        return null;
    }

    /// <summary>A string field; absent or null is <see langword="null"/>, any other kind is a malformed event.</summary>
    private static string? String(JsonElement obj, string name) =>
        !obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new JsonException($"'{name}' is {value.ValueKind}, not a string.");

    private static IReadOnlyList<TranscriptionTokenLogProbability> LogProbs(JsonElement root) =>
        root.TryGetProperty("logprobs", out var value) && value.ValueKind == JsonValueKind.Array
            ? value.Deserialize(AudioSdkJsonContext.Default.ListTranscriptionTokenLogProbability) ?? []
            : [];

    private static TranscriptionUsage? Usage(JsonElement root) =>
        root.TryGetProperty("usage", out var value) && value.ValueKind == JsonValueKind.Object
            ? value.Deserialize(AudioSdkJsonContext.Default.TranscriptionUsage)
            : null;
}
