using System.Text.Json.Nodes;

namespace AudioSdk.Speech;

/// <summary>The fields of a speech request (OpenAI's <c>CreateSpeechRequest</c>, less <c>input</c>).</summary>
public sealed record SpeechOptions
{
    /// <summary>The longest <c>input</c> the client sends: 4096 characters.</summary>
    public const int MaxInputLength = 4096;

    /// <summary>The slowest <c>speed</c>: 0.25.</summary>
    public const double MinSpeed = 0.25;

    /// <summary>The fastest <c>speed</c>: 4.0.</summary>
    public const double MaxSpeed = 4.0;

    /// <summary>
    /// <c>model</c>, such as <c>tts-1</c>, <c>gpt-4o-mini-tts</c> or a provider's. Most providers require it; when left
    /// <see langword="null"/> no field is sent and a provider that documents a default (TIE: <c>gpt-4o-mini-tts</c>)
    /// applies it. A blank name is rejected before sending.
    /// </summary>
    public string? Model { get; set; }

    /// <summary>
    /// <c>voice</c>: a built-in name or <see cref="SpeechVoice.Custom(string)"/>. Most providers require it; when left
    /// <see langword="null"/> no field is sent and a provider that documents a default (TIE: <c>alloy</c>) applies it.
    /// </summary>
    public SpeechVoice? Voice { get; set; }

    /// <summary><c>instructions</c>: how to speak (not for <c>tts-1</c>); at most 4096 characters.</summary>
    public string? Instructions { get; set; }

    /// <summary>
    /// <c>response_format</c>; the service's default is <c>mp3</c>. Some providers answer in one format whatever is asked
    /// (Tinfoil: always WAV), so read the format from <see cref="SpeechResult.ContentType"/>, which follows the response.
    /// </summary>
    public SpeechFormat? ResponseFormat { get; set; }

    /// <summary><c>speed</c>, from 0.25 to 4.0; the service's default is 1.0.</summary>
    public double? Speed { get; set; }

    /// <summary>
    /// <c>stream_format</c>. <see cref="AudioClient.StreamSpeechAsync"/> understands both forms; when left
    /// unset no field is sent and the service streams raw audio.
    /// </summary>
    public SpeechStreamFormat? StreamFormat { get; set; }

    /// <summary>JSON fields a provider accepts that this type does not model yet (a seed, a language, ...), sent as given.</summary>
    public IDictionary<string, JsonNode?> AdditionalProperties { get; set; } = new Dictionary<string, JsonNode?>();
}
