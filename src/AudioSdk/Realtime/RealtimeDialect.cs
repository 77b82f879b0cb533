namespace AudioSdk.Realtime;

/// <summary>The WebSocket protocol a realtime endpoint speaks: two transcription dialects and one conversational.</summary>
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

    /// <summary>
    /// OpenAI's conversational realtime dialect for voice agents (<c>/v1/realtime?model=gpt-realtime</c>, GA
    /// <c>session.update</c> with <c>type: "realtime"</c>): speech or text in, speech or text out over one socket,
    /// with responses, function calls, cancellation and truncation. PCM16 at 24 kHz. Configure it with
    /// <see cref="RealtimeSessionOptions.Conversation"/>.
    /// </summary>
    OpenAIConversation,
}
