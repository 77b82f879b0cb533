namespace AudioSdk.Realtime;

/// <summary>The WebSocket protocol a realtime transcription endpoint speaks.</summary>
public enum RealtimeDialect
{
    /// <summary>
    /// OpenAI's Realtime transcription dialect (<c>/v1/realtime?intent=transcription</c>, GA <c>session.update</c>
    /// with <c>type: "transcription"</c>; beta event names accepted on receive). Served by OpenAI and Tinfoil.
    /// </summary>
    OpenAITranscription,

    /// <summary>
    /// vLLM's native dialect (<c>/v1/realtime?model=...</c>, <c>session.update {model}</c>, 16 kHz PCM16, a
    /// non-final commit to start each utterance and <c>commit {final: true}</c> to end it). One utterance per
    /// connection: the session reconnects by itself for the next one.
    /// </summary>
    VllmNative,
}
