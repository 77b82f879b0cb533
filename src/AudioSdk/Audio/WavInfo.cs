namespace AudioSdk.Audio;

/// <summary>What a WAV header says: the format and where the sample data lies.</summary>
/// <param name="Format">The sample format.</param>
/// <param name="DataOffset">The byte offset of the first sample.</param>
/// <param name="DataLength">
/// The sample data's length in bytes as the header declares it, or <see langword="null"/> for a streamed WAV
/// whose header says 0 or 0xFFFFFFFF (the data then runs to the end of the file).
/// </param>
public sealed record WavInfo(WavFormat Format, long DataOffset, long? DataLength)
{
    /// <summary>The duration the header declares; <see langword="null"/> for a streamed WAV.</summary>
    public TimeSpan? Duration => DataLength is { } length ? Format.DurationOf(length) : null;
}
