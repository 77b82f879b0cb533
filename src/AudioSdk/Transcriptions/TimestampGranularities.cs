namespace AudioSdk.Transcriptions;

/// <summary>Which timestamps a <c>verbose_json</c> transcription carries (<c>timestamp_granularities[]</c>).</summary>
[Flags]
public enum TimestampGranularities
{
    /// <summary>Nothing is sent; the service's default applies (segments).</summary>
    Default = 0,

    /// <summary>Word timestamps (<c>word</c>).</summary>
    Word = 1,

    /// <summary>Segment timestamps (<c>segment</c>).</summary>
    Segment = 2,
}
