using System.ComponentModel;

namespace AudioSdk.Speech;

/// <summary>A speech <c>response_format</c>. Known values are properties; other strings convert implicitly.</summary>
public readonly struct SpeechFormat : IEquatable<SpeechFormat>
{
    private readonly string? _value;

    /// <summary>Creates a format from its wire value.</summary>
    /// <param name="value">The wire value, such as <c>wav</c>.</param>
    public SpeechFormat(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value;
    }

    /// <summary><c>mp3</c> (<c>audio/mpeg</c>), the service default.</summary>
    public static SpeechFormat Mp3 { get; } = new("mp3");

    /// <summary><c>opus</c> in Ogg (<c>audio/ogg</c>).</summary>
    public static SpeechFormat Opus { get; } = new("opus");

    /// <summary><c>aac</c> (<c>audio/aac</c>).</summary>
    public static SpeechFormat Aac { get; } = new("aac");

    /// <summary><c>flac</c> (<c>audio/flac</c>).</summary>
    public static SpeechFormat Flac { get; } = new("flac");

    /// <summary><c>wav</c> (<c>audio/wav</c>), PCM in a RIFF container.</summary>
    public static SpeechFormat Wav { get; } = new("wav");

    /// <summary><c>pcm</c>: raw 16-bit little-endian mono samples (24 kHz at OpenAI).</summary>
    public static SpeechFormat Pcm { get; } = new("pcm");

    /// <summary>Compares two formats by wire value, ignoring case.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator ==(SpeechFormat left, SpeechFormat right) => left.Equals(right);

    /// <summary>Compares two formats by wire value, ignoring case.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator !=(SpeechFormat left, SpeechFormat right) => !left.Equals(right);

    /// <summary>Converts a wire value to a format.</summary>
    /// <param name="value">The wire value.</param>
    public static implicit operator SpeechFormat(string value) => new(value);

    /// <summary>The usual file extension of this format.</summary>
    public string FileExtension => this == Opus ? "ogg" : ToString();

    /// <inheritdoc />
    public bool Equals(SpeechFormat other) => string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override bool Equals(object? obj) => obj is SpeechFormat other && Equals(other);

    /// <inheritdoc />
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The wire value.</summary>
    public override string ToString() => _value ?? string.Empty;
}
