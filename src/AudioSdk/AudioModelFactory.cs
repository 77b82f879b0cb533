using System.Net;
using System.Text.Json;
using AudioSdk.Models;
using AudioSdk.Speech;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;
using AudioSdk.Usage;

namespace AudioSdk;

/// <summary>Builds result objects with any values, so code that uses <see cref="AudioClient"/> can be tested against a mock.</summary>
public static class AudioModelFactory
{
    /// <summary>Response metadata with a status and headers.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="headers">Headers by name.</param>
    public static ResponseMetadata ResponseMetadata(HttpStatusCode status = HttpStatusCode.OK, IDictionary<string,
        string>? headers = null) =>
        new(status, headers?.Select(h => new KeyValuePair<string, IReadOnlyList<string>>(h.Key, [h.Value])));

    /// <summary>A transcript.</summary>
    /// <param name="text">The text.</param>
    /// <param name="language">The language.</param>
    /// <param name="duration">The audio's duration.</param>
    /// <param name="segments">Verbose segments.</param>
    /// <param name="words">Words.</param>
    /// <param name="diarizedSegments">Speaker segments.</param>
    /// <param name="usage">Usage.</param>
    /// <param name="logProbabilities">Token log probabilities.</param>
    /// <param name="metadata">Response metadata.</param>
    public static Transcription Transcription(
        string text = "",
        string? language = null,
        TimeSpan? duration = null,
        IEnumerable<TranscriptionSegment>? segments = null,
        IEnumerable<TranscriptionWord>? words = null,
        IEnumerable<TranscriptionDiarizedSegment>? diarizedSegments = null,
        TranscriptionUsage? usage = null,
        IEnumerable<TranscriptionTokenLogProbability>? logProbabilities = null,
        ResponseMetadata? metadata = null) => new()
        {
            Text = text,
            Language = language,
            Duration = duration,
            Segments = segments?.ToList() ?? [],
            Words = words?.ToList() ?? [],
            DiarizedSegments = diarizedSegments?.ToList() ?? [],
            Usage = usage,
            LogProbabilities = logProbabilities?.ToList() ?? [],
            Metadata = metadata ?? AudioSdk.ResponseMetadata.None,
        };

    /// <summary>A verbose segment.</summary>
    /// <param name="id">The index.</param>
    /// <param name="start">The start.</param>
    /// <param name="end">The end.</param>
    /// <param name="text">The text.</param>
    /// <param name="tokens">Token ids.</param>
    /// <param name="temperature">The temperature.</param>
    /// <param name="averageLogProbability">The average log probability.</param>
    /// <param name="compressionRatio">The compression ratio.</param>
    /// <param name="noSpeechProbability">The no-speech probability.</param>
    /// <param name="seek">The seek offset.</param>
    public static TranscriptionSegment TranscriptionSegment(
        int id, TimeSpan start, TimeSpan end, string text, IEnumerable<int>? tokens = null, float temperature = 0, float averageLogProbability = 0, float compressionRatio = 0, float noSpeechProbability = 0, int seek = 0) => new()
        {
            Id = id,
            Seek = seek,
            Start = start,
            End = end,
            Text = text,
            Tokens = tokens?.ToList() ?? [],
            Temperature = temperature,
            AverageLogProbability = averageLogProbability,
            CompressionRatio = compressionRatio,
            NoSpeechProbability = noSpeechProbability,
        };

    /// <summary>A word with timestamps.</summary>
    /// <param name="word">The word.</param>
    /// <param name="start">The start.</param>
    /// <param name="end">The end.</param>
    public static TranscriptionWord TranscriptionWord(string word, TimeSpan start, TimeSpan end) =>
        new() { Word = word, Start = start, End = end };

    /// <summary>A speaker segment.</summary>
    /// <param name="id">The id.</param>
    /// <param name="start">The start.</param>
    /// <param name="end">The end.</param>
    /// <param name="text">The text.</param>
    /// <param name="speaker">The speaker label.</param>
    public static TranscriptionDiarizedSegment TranscriptionDiarizedSegment(string id, TimeSpan start, TimeSpan end, string text,
        string speaker) =>
        new() { Id = id, Start = start, End = end, Text = text, Speaker = speaker };

    /// <summary>Usage of a transcription.</summary>
    /// <param name="type"><c>tokens</c> or <c>duration</c>.</param>
    /// <param name="inputTokens">Input tokens.</param>
    /// <param name="outputTokens">Output tokens.</param>
    /// <param name="totalTokens">Total tokens.</param>
    /// <param name="duration">Billed duration.</param>
    public static TranscriptionUsage TranscriptionUsage(string type, int? inputTokens = null, int? outputTokens = null,
        int? totalTokens = null, TimeSpan? duration = null) =>
        new() { Type = type, InputTokens = inputTokens, OutputTokens = outputTokens, TotalTokens = totalTokens, Duration = duration };

    /// <summary>A token log probability.</summary>
    /// <param name="token">The token.</param>
    /// <param name="logProbability">Its log probability.</param>
    /// <param name="bytes">Its bytes.</param>
    public static TranscriptionTokenLogProbability TranscriptionTokenLogProbability(string token, double logProbability,
        IEnumerable<int>? bytes = null) =>
        new() { Token = token, LogProbability = logProbability, Bytes = bytes?.ToList() ?? [] };

    /// <summary>A streaming transcription update.</summary>
    /// <param name="kind">What it carries.</param>
    /// <param name="delta">The delta text.</param>
    /// <param name="text">The full or segment text.</param>
    /// <param name="usage">Usage, for done.</param>
    /// <param name="segment">The segment, for segment updates.</param>
    public static TranscriptionUpdate TranscriptionUpdate(TranscriptionUpdateKind kind, string? delta = null, string? text = null,
        TranscriptionUsage? usage = null, TranscriptionDiarizedSegment? segment = null)
    {
        var type = kind switch
        {
            TranscriptionUpdateKind.Delta => "transcript.text.delta",
            TranscriptionUpdateKind.Segment => "transcript.text.segment",
            _ => "transcript.text.done",
        };
        using var doc = JsonDocument.Parse($"{{\"type\":\"{type}\"}}");
        return new TranscriptionUpdate(kind, type, doc.RootElement.Clone(), AudioSdk.ResponseMetadata.None) { Delta = delta, Text = text,
            Usage = usage, Segment = segment, SegmentId = segment?.Id };
    }

    /// <summary>A translation.</summary>
    /// <param name="text">The English text.</param>
    /// <param name="language">The output language.</param>
    /// <param name="duration">The audio's duration.</param>
    /// <param name="segments">Segments.</param>
    /// <param name="metadata">Response metadata.</param>
    public static Translation Translation(string text = "", string? language = null, TimeSpan? duration = null,
        IEnumerable<TranscriptionSegment>? segments = null, ResponseMetadata? metadata = null) =>
        new() { Text = text, Language = language, Duration = duration, Segments = segments?.ToList() ?? [], Metadata = metadata
            ?? AudioSdk.ResponseMetadata.None };

    /// <summary>A text body result.</summary>
    /// <param name="text">The body.</param>
    /// <param name="format">The format.</param>
    /// <param name="metadata">Response metadata.</param>
    public static AudioTextResult AudioTextResult(string text, string format = "text", ResponseMetadata? metadata = null) =>
        new(text, format, metadata ?? AudioSdk.ResponseMetadata.None);

    /// <summary>Generated speech.</summary>
    /// <param name="audio">The audio bytes.</param>
    /// <param name="contentType">The content type.</param>
    /// <param name="metadata">Response metadata.</param>
    public static SpeechResult SpeechResult(ReadOnlyMemory<byte> audio, string contentType = "audio/mpeg",
        ResponseMetadata? metadata = null) => new(audio, contentType, metadata ?? AudioSdk.ResponseMetadata.None);

    /// <summary>Speech token usage.</summary>
    /// <param name="inputTokens">Input tokens.</param>
    /// <param name="outputTokens">Output tokens.</param>
    public static SpeechUsage SpeechUsage(int inputTokens, int outputTokens) =>
        new() { InputTokens = inputTokens, OutputTokens = outputTokens, TotalTokens = inputTokens + outputTokens };

    /// <summary>A model.</summary>
    /// <param name="id">The id.</param>
    /// <param name="ownedBy">The owner.</param>
    /// <param name="createdAt">The creation time.</param>
    public static ModelInfo ModelInfo(string id, string? ownedBy = null, DateTimeOffset? createdAt = null) =>
        new() { Id = id, Object = "model", OwnedBy = ownedBy, Created = createdAt?.ToUnixTimeSeconds() };

    /// <summary>A list of models.</summary>
    /// <param name="models">The models.</param>
    /// <param name="metadata">Response metadata.</param>
    public static ModelList ModelList(IEnumerable<ModelInfo> models, ResponseMetadata? metadata = null) =>
        new(models.ToList(), metadata ?? AudioSdk.ResponseMetadata.None);

    /// <summary>A usage record.</summary>
    /// <param name="id">The id.</param>
    /// <param name="model">The model.</param>
    /// <param name="modality">The modality.</param>
    /// <param name="billingUnit">The billing unit.</param>
    /// <param name="quantity">The quantity.</param>
    /// <param name="duration">The billed duration.</param>
    /// <param name="requestId">The request id.</param>
    /// <param name="createdAt">When the request was made.</param>
    public static UsageRecord UsageRecord(string? id = null, string? model = null, string? modality = null, string? billingUnit = null,
        double? quantity = null, TimeSpan? duration = null, string? requestId = null, DateTimeOffset? createdAt = null) =>
        new() { Id = id, Model = model, Modality = modality, BillingUnit = billingUnit, Quantity = quantity, Duration = duration,
            RequestId = requestId, Created = createdAt?.ToUnixTimeSeconds() };

    /// <summary>A usage page.</summary>
    /// <param name="records">The records.</param>
    /// <param name="hasMore">Whether more follow.</param>
    /// <param name="nextCursor">The next page's cursor.</param>
    /// <param name="metadata">Response metadata.</param>
    public static UsageReport UsageReport(IEnumerable<UsageRecord> records, bool hasMore = false, string? nextCursor = null,
        ResponseMetadata? metadata = null) =>
        new() { Data = records.ToList(), HasMore = hasMore, NextCursor = nextCursor, Metadata = metadata
            ?? AudioSdk.ResponseMetadata.None };
}
