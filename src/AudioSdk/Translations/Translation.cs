using System.Text.Json;
using System.Text.Json.Serialization;
using AudioSdk.Internal.Json;
using AudioSdk.Transcriptions;

namespace AudioSdk.Translations;

/// <summary>An English translation of audio in <c>json</c> or <c>verbose_json</c>.</summary>
public sealed class Translation : ServiceObject
{
    /// <summary>The English text.</summary>
    [JsonInclude]
    public string Text { get; internal set; } = string.Empty;

    /// <summary>The output language (<c>english</c>), in <c>verbose_json</c>.</summary>
    [JsonInclude]
    public string? Language { get; internal set; }

    /// <summary>The audio's duration, in <c>verbose_json</c>.</summary>
    [JsonInclude]
    [JsonConverter(typeof(NullableSecondsConverter))]
    public TimeSpan? Duration { get; internal set; }

    /// <summary>The task the service ran (<c>translate</c>), when reported.</summary>
    [JsonInclude]
    public string? Task { get; internal set; }

    /// <summary>The segments with timestamps, in <c>verbose_json</c>.</summary>
    [JsonInclude]
    public IReadOnlyList<TranscriptionSegment> Segments { get; internal set; } = [];

    /// <summary>What the request was billed for, when reported.</summary>
    [JsonInclude]
    public TranscriptionUsage? Usage { get; internal set; }

    /// <summary>The response's status, request id and headers.</summary>
    [JsonIgnore]
    public ResponseMetadata Metadata { get; internal set; } = ResponseMetadata.None;

    /// <inheritdoc />
    public override string ToString() => Text;

    private protected override void OnDeserialized()
    {
        Text ??= string.Empty;
        Segments ??= [];
    }
}
