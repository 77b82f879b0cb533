namespace AudioSdk.Models;

/// <summary>Values of the <c>recommended_for</c> filter some providers offer on <c>GET /models</c>.</summary>
public static class ModelPurpose
{
    /// <summary>Speech-to-text models.</summary>
    public const string SpeechToText = "stt";

    /// <summary>Text-to-speech models.</summary>
    public const string TextToSpeech = "tts";
}
