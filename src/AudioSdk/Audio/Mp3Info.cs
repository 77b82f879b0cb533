namespace AudioSdk.Audio;

/// <summary>What a frame scan of an MP3 found.</summary>
/// <param name="Duration">The audio's duration, from the frames counted.</param>
/// <param name="SampleRate">The sample rate of the first frame.</param>
/// <param name="FrameCount">Audio frames counted (a Xing/Info header frame is not counted).</param>
/// <param name="FirstFrameOffset">The byte offset of the first frame (after any ID3v2 tag).</param>
/// <param name="FrameOffsets">The byte offset of every audio frame, when asked for: the places an MP3 can be cut.</param>
public sealed record Mp3Info(TimeSpan Duration, int SampleRate, long FrameCount, long FirstFrameOffset, IReadOnlyList<long> FrameOffsets);
