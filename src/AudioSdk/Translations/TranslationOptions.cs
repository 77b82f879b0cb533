using AudioSdk.Transcriptions;

namespace AudioSdk.Translations;

/// <summary>The fields of a translation request (OpenAI's <c>CreateTranslationRequest</c>, less the file).</summary>
public sealed record TranslationOptions
{
    /// <summary><c>model</c> (required), such as <c>whisper-1</c>.</summary>
    public string? Model { get; set; }

    /// <summary><c>prompt</c>: English text that guides style or continues a previous segment.</summary>
    public string? Prompt { get; set; }

    /// <summary><c>response_format</c>: <c>json</c>, <c>text</c>, <c>srt</c>, <c>verbose_json</c> or <c>vtt</c>.</summary>
    public TranscriptionFormat? ResponseFormat { get; set; }

    /// <summary><c>temperature</c>, from 0 to 1.</summary>
    public float? Temperature { get; set; }

    /// <summary>Form fields a provider accepts that this type does not model yet, sent as given.</summary>
    public IDictionary<string, string> AdditionalFields { get; set; } = new Dictionary<string, string>();
}
