namespace AudioSdk.Realtime;

/// <summary>How client-side turn detection treats what the microphone hears while the speaker plays
/// (<see cref="RealtimeTurnDetection.EchoHandling"/>).</summary>
public enum RealtimeEchoHandling
{
    /// <summary>
    /// Playback-reference gating (default): while the speaker plays, sound counts as the user's speech only when it is
    /// 3 dB over the echo expected from what was played (the echo path's delay and gain learned on the fly), so the
    /// agent does not interrupt itself and a user who talks over it is still heard.
    /// </summary>
    Gate,

    /// <summary>Half duplex: nothing heard while the speaker plays (and 300 ms after) is speech; the user cannot interrupt.</summary>
    HalfDuplex,
}
