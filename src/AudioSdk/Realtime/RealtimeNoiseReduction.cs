namespace AudioSdk.Realtime;

/// <summary>
/// OpenAI's input noise reduction (<c>audio.input.noise_reduction</c>), applied before turn detection and transcription.
/// </summary>
public enum RealtimeNoiseReduction
{
    /// <summary>For close-talking microphones such as headsets (<c>near_field</c>).</summary>
    NearField,

    /// <summary>For far-field microphones such as laptop or conference-room microphones (<c>far_field</c>).</summary>
    FarField,
}
