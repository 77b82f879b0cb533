namespace AudioSdk.Audio;

/// <summary>The two G.711 companding laws (8-bit codes for telephone audio at 8 kHz).</summary>
public enum G711Law
{
    /// <summary>μ-law (<c>audio/pcmu</c>, PCMU): North America and Japan.</summary>
    MuLaw,

    /// <summary>A-law (<c>audio/pcma</c>, PCMA): Europe and most other networks.</summary>
    ALaw,
}
