namespace AudioSdk.Testing;

/// <summary>Whose behaviour the test server copies for the OpenAI realtime transcription dialect.</summary>
public enum RealtimeServerFlavor
{
    /// <summary>OpenAI: GA rate 24000 only, usage and <c>content_index</c> on events, <c>committed</c> before the deltas, server VAD, beta
    /// updates refused.</summary>
    OpenAI,

    /// <summary>Tinfoil: any rate, deltas before <c>committed</c>, no usage or <c>content_index</c>, beta updates and unknown events
    /// ignored, a non-JSON frame drops the connection.</summary>
    Tinfoil,
}
