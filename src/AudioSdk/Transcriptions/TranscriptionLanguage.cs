using System.Text.Json.Serialization;

namespace AudioSdk.Transcriptions;

/// <summary>A language the service detected in the audio.</summary>
public sealed class TranscriptionLanguage
{
    /// <summary>The language code, such as <c>en</c>.</summary>
    [JsonInclude]
    public string Code { get; internal set; } = string.Empty;
}
