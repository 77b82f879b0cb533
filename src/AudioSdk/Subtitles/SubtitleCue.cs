namespace AudioSdk.Subtitles;

/// <summary>One subtitle cue: a time range and its text (lines separated by <c>\n</c>).</summary>
/// <param name="Start">When the cue appears.</param>
/// <param name="End">When it disappears.</param>
/// <param name="Text">The text; lines are separated by <c>\n</c>.</param>
public sealed record SubtitleCue(TimeSpan Start, TimeSpan End, string Text)
{
    /// <summary>The cue shifted by an offset (for stitching chunks of a long recording).</summary>
    /// <param name="offset">The time to add.</param>
    public SubtitleCue Shift(TimeSpan offset) => this with { Start = Start + offset, End = End + offset };
}
