using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AudioSdk.Transcriptions;

/// <summary>
/// How the service cuts the audio before transcribing (<c>chunking_strategy</c>): <see cref="Auto"/>,
/// or server-side voice activity detection with explicit settings.
/// </summary>
public sealed class TranscriptionChunkingStrategy
{
    private TranscriptionChunkingStrategy(bool isAuto, double? threshold, int? prefixPaddingMs, int? silenceDurationMs)
    {
        IsAuto = isAuto;
        Threshold = threshold;
        PrefixPaddingMs = prefixPaddingMs;
        SilenceDurationMs = silenceDurationMs;
    }

    /// <summary><c>"auto"</c>: the service normalises loudness and picks boundaries by voice activity.</summary>
    public static TranscriptionChunkingStrategy Auto { get; } = new(true, null, null, null);

    /// <summary>True for <see cref="Auto"/>.</summary>
    public bool IsAuto { get; }

    /// <summary>VAD sensitivity from 0 to 1, when set.</summary>
    public double? Threshold { get; }

    /// <summary>Audio kept before detected speech, in milliseconds, when set.</summary>
    public int? PrefixPaddingMs { get; }

    /// <summary>Silence that ends a chunk, in milliseconds, when set.</summary>
    public int? SilenceDurationMs { get; }

    /// <summary>Server VAD with the given settings; those left out take the service's defaults (0.5, 300 ms, 200 ms at OpenAI).</summary>
    /// <param name="threshold">Sensitivity from 0 to 1.</param>
    /// <param name="prefixPaddingMs">Audio kept before detected speech, in milliseconds.</param>
    /// <param name="silenceDurationMs">Silence that ends a chunk, in milliseconds.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range.</exception>
    public static TranscriptionChunkingStrategy ServerVad(double? threshold = null, int? prefixPaddingMs = null,
        int? silenceDurationMs = null)
    {
        if (threshold is < 0 or > 1 || (threshold is { } t && double.IsNaN(t)))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The VAD threshold must be between 0 and 1.");
        }

        if (prefixPaddingMs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixPaddingMs), prefixPaddingMs, "The prefix padding must not be negative.");
        }

        if (silenceDurationMs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(silenceDurationMs), silenceDurationMs,
                "The silence duration must not be negative.");
        }

        return new(false, threshold, prefixPaddingMs, silenceDurationMs);
    }

    /// <summary>The form value: <c>auto</c>, or the VAD object as JSON.</summary>
    public override string ToString()
    {
        if (IsAuto)
        {
            return "auto";
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "server_vad");
            if (PrefixPaddingMs is { } prefix)
            {
                writer.WriteNumber("prefix_padding_ms", prefix);
            }

            if (SilenceDurationMs is { } silence)
            {
                writer.WriteNumber("silence_duration_ms", silence);
            }

            if (Threshold is { } threshold)
            {
                writer.WriteNumber("threshold", threshold);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
