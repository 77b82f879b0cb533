namespace AudioSdk.Realtime;

/// <summary>Server-side voice activity detection for the OpenAI dialect (<c>turn_detection</c>); absent means push-to-talk.</summary>
public sealed record RealtimeTurnDetection
{
    /// <summary>Sensitivity from 0 to 1 (the service default is 0.5).</summary>
    public double? Threshold { get; init; }

    /// <summary>Audio kept before detected speech, in milliseconds (default 300).</summary>
    public int? PrefixPaddingMs { get; init; }

    /// <summary>Silence that ends a turn, in milliseconds (default 500).</summary>
    public int? SilenceDurationMs { get; init; }
}
