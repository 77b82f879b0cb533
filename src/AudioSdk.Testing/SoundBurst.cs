namespace AudioSdk.Testing;

/// <summary>A stretch of sound between silences that the server found in an uploaded PCM WAV.</summary>
/// <param name="Start">Where the sound starts (20 ms resolution).</param>
/// <param name="End">Where it ends (20 ms resolution).</param>
/// <param name="FrequencyHz">Its dominant frequency, estimated from zero crossings.</param>
public sealed record SoundBurst(TimeSpan Start, TimeSpan End, double FrequencyHz);
