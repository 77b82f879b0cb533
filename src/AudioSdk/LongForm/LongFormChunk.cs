namespace AudioSdk.LongForm;

/// <summary>One chunk of a long recording and, once transcribed, its text.</summary>
/// <param name="Index">The chunk's position, from 0.</param>
/// <param name="Start">Where it starts in the recording.</param>
/// <param name="End">Where it ends in the recording.</param>
/// <param name="Text">Its transcript or translation, when it succeeded.</param>
public sealed record LongFormChunk(int Index, TimeSpan Start, TimeSpan End, string? Text = null);
