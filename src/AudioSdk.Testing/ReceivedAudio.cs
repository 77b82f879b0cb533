namespace AudioSdk.Testing;

/// <summary>What the server learned from an uploaded file while streaming it: size, hash, format and duration.</summary>
public sealed class ReceivedAudio
{
    /// <summary>The file name from the multipart part.</summary>
    public string? FileName { get; init; }

    /// <summary>
    /// The part's raw <c>Content-Disposition</c> header, to check how the name was sent (a plain <c>filename</c>,
    /// and <c>filename*</c> for names that are not ASCII); <see cref="FileName"/> is the name it decodes to.
    /// </summary>
    public string? ContentDisposition { get; internal set; }

    /// <summary>The part's content type.</summary>
    public string? ContentType { get; init; }

    /// <summary>How many bytes arrived.</summary>
    public long Length { get; init; }

    /// <summary>Lowercase hex SHA-256 of the bytes that arrived.</summary>
    public string Sha256 { get; init; } = string.Empty;

    /// <summary>The bytes, when there were at most <see cref="AudioTestServerOptions.MaxCapturedFileBytes"/>.</summary>
    public byte[]? Bytes { get; init; }

    /// <summary>The container found from the first bytes: <c>wav</c>, <c>mp3</c>, <c>flac</c>, <c>ogg</c>, <c>webm</c>, <c>mp4</c>, or
    /// <c>unknown</c>.</summary>
    public string Format { get; init; } = "unknown";

    /// <summary>The sample rate, for WAV.</summary>
    public int? SampleRate { get; init; }

    /// <summary>The channel count, for WAV.</summary>
    public int? Channels { get; init; }

    /// <summary>
    /// The duration: exact for WAV (from the data size and byte rate, or from the bytes that arrived when
    /// the header says 0 or 0xFFFFFFFF); for other formats an estimate at 128 kbit/s.
    /// </summary>
    public TimeSpan Duration { get; init; }

    /// <summary>
    /// The stretches of sound between silences, for PCM16 and float32 WAV (empty for other formats).
    /// When there are silences, the server's transcript has one segment per burst.
    /// </summary>
    public IReadOnlyList<SoundBurst> Bursts { get; init; } = [];

    /// <summary>True when the upload was PCM16 or float32 WAV and so was searched for sound; silent audio then transcribes to
    /// nothing.</summary>
    public bool SoundAnalysed { get; init; }
}
