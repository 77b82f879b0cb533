using System.ComponentModel;

namespace AudioSdk.Transcriptions;

/// <summary>
/// A transcription or translation <c>response_format</c>. Known values are properties; any other
/// string a provider accepts converts implicitly.
/// </summary>
public readonly struct TranscriptionFormat : IEquatable<TranscriptionFormat>
{
    private readonly string? _value;

    /// <summary>Creates a format from its wire value.</summary>
    /// <param name="value">The wire value, such as <c>verbose_json</c>.</param>
    public TranscriptionFormat(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value;
    }

    /// <summary><c>json</c>: the text, with usage and optional log probabilities.</summary>
    public static TranscriptionFormat Json { get; } = new("json");

    /// <summary><c>text</c>: the plain transcript.</summary>
    public static TranscriptionFormat Text { get; } = new("text");

    /// <summary><c>srt</c>: SubRip subtitles.</summary>
    public static TranscriptionFormat Srt { get; } = new("srt");

    /// <summary><c>vtt</c>: WebVTT subtitles.</summary>
    public static TranscriptionFormat Vtt { get; } = new("vtt");

    /// <summary><c>verbose_json</c>: language, duration, segments and (when asked) words.</summary>
    public static TranscriptionFormat VerboseJson { get; } = new("verbose_json");

    /// <summary><c>diarized_json</c>: segments labelled by speaker.</summary>
    public static TranscriptionFormat DiarizedJson { get; } = new("diarized_json");

    /// <summary>True for the formats whose body is JSON (<c>json</c>, <c>verbose_json</c>, <c>diarized_json</c>).</summary>
    public bool IsJson => this == Json || this == VerboseJson || this == DiarizedJson;

    /// <summary>Compares two formats by wire value, ignoring case.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator ==(TranscriptionFormat left, TranscriptionFormat right) => left.Equals(right);

    /// <summary>Compares two formats by wire value, ignoring case.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator !=(TranscriptionFormat left, TranscriptionFormat right) => !left.Equals(right);

    /// <summary>Converts a wire value to a format.</summary>
    /// <param name="value">The wire value.</param>
    public static implicit operator TranscriptionFormat(string value) => new(value);

    /// <inheritdoc />
    public bool Equals(TranscriptionFormat other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override bool Equals(object? obj) => obj is TranscriptionFormat other && Equals(other);

    /// <inheritdoc />
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}
