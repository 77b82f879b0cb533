using AudioSdk.Audio;

namespace AudioSdk.Realtime;

/// <summary>How realtime audio is encoded: 16-bit PCM, or G.711 for telephony (8 kHz, one byte per sample).</summary>
public enum RealtimeAudioEncoding
{
    /// <summary>Little-endian 16-bit PCM, mono (<c>audio/pcm</c>).</summary>
    Pcm16,

    /// <summary>G.711 μ-law at 8 kHz (<c>audio/pcmu</c>).</summary>
    G711MuLaw,

    /// <summary>G.711 A-law at 8 kHz (<c>audio/pcma</c>).</summary>
    G711ALaw,
}

/// <summary>What the SDK derives from a <see cref="RealtimeAudioEncoding"/>.</summary>
internal static class RealtimeAudioFormats
{
    /// <summary>The G.711 law, or null for PCM16.</summary>
    public static G711Law? Law(this RealtimeAudioEncoding format) => format switch
    {
        RealtimeAudioEncoding.G711MuLaw => G711Law.MuLaw,
        RealtimeAudioEncoding.G711ALaw => G711Law.ALaw,
        _ => null,
    };

    /// <summary>Bytes per sample.</summary>
    public static int BytesPerSample(this RealtimeAudioEncoding format) => format == RealtimeAudioEncoding.Pcm16 ? 2 : 1;
}
