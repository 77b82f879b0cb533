namespace AudioSdk.Subtitles;

/// <summary>How cues are laid out when built from words or long segments.</summary>
public sealed record SubtitleOptions
{
    /// <summary>The longest line, in characters. Default 42 (a common broadcast limit).</summary>
    public int MaxLineLength { get; init; } = 42;

    /// <summary>The most lines in one cue. Default 2.</summary>
    public int MaxLines { get; init; } = 2;

    /// <summary>The longest time one cue stays on screen. Default 7 seconds.</summary>
    public TimeSpan MaxCueDuration { get; init; } = TimeSpan.FromSeconds(7);
}
