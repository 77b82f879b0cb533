namespace AudioSdk.Speech;

/// <summary>How streamed speech arrives (<c>stream_format</c>).</summary>
public enum SpeechStreamFormat
{
    /// <summary><c>audio</c>: the audio bytes themselves, chunked.</summary>
    Audio,

    /// <summary><c>sse</c>: server-sent events <c>speech.audio.delta</c> (base64 audio) and <c>speech.audio.done</c> (usage).</summary>
    Sse,
}
