using NAudio.Wave;

namespace AudioSdk.Audio.Interop;

/// <summary>NAudio's <see cref="WaveFormat"/> mapped to what the SDK's decoders read; G.711 is decoded to PCM16 first.</summary>
internal static class WaveFormats
{
    private static readonly Guid PcmSubFormat = new("00000001-0000-0010-8000-00aa00389b71");
    private static readonly Guid FloatSubFormat = new("00000003-0000-0010-8000-00aa00389b71");

    /// <summary>The SDK's format for NAudio's, with G.711 reported as its decoded PCM16.</summary>
    /// <exception cref="ArgumentException">An encoding the SDK cannot decode (convert it with NAudio first).</exception>
    public static WavFormat ToWavFormat(WaveFormat format, string paramName)
    {
        ArgumentNullException.ThrowIfNull(format, paramName);
        var encoding = format.Encoding switch
        {
            WaveFormatEncoding.Pcm => WavEncoding.Pcm,
            WaveFormatEncoding.IeeeFloat => WavEncoding.IeeeFloat,
            WaveFormatEncoding.MuLaw or WaveFormatEncoding.ALaw when format.BitsPerSample == 8 => WavEncoding.Pcm,
            WaveFormatEncoding.Extensible when format is WaveFormatExtensible { SubFormat: var sub } && sub == PcmSubFormat =>
                WavEncoding.Pcm,
            WaveFormatEncoding.Extensible when format is WaveFormatExtensible { SubFormat: var sub } && sub == FloatSubFormat =>
                WavEncoding.IeeeFloat,
            _ => (WavEncoding?)null,
        };
        var bits = Law(format) is null ? format.BitsPerSample : 16;
        if (encoding is not { } known || (known, bits) is not ((WavEncoding.Pcm, 8 or 16 or 24 or 32) or (WavEncoding.IeeeFloat, 32))
            || format.Channels is < 1 or > 32 || format.SampleRate is < 1 or > WavFile.MaxSampleRate)
        {
            throw new ArgumentException($"The audio is {format} ({format.Encoding}); the SDK takes PCM (8, 16, 24, 32-bit), 32-bit float or G.711, 1 to 32 channels, 1 Hz to {WavFile.MaxSampleRate} Hz. Convert it with NAudio first (for example WaveFormatConversionProvider or a sample provider).", paramName);
        }

        return new WavFormat(known, format.SampleRate, format.Channels, bits);
    }

    /// <summary>The G.711 law of a format, if it is one.</summary>
    public static G711Law? Law(WaveFormat format) => format.Encoding switch
    {
        WaveFormatEncoding.MuLaw => G711Law.MuLaw,
        WaveFormatEncoding.ALaw => G711Law.ALaw,
        _ => null,
    };

    /// <summary>A provider the SDK can read: G.711 decoded to PCM16, anything else as it is (after <see cref="ToWavFormat"/> checked
    /// it).</summary>
    public static IWaveProvider Readable(IWaveProvider provider, out WavFormat format, string paramName)
    {
        ArgumentNullException.ThrowIfNull(provider, paramName);
        format = ToWavFormat(provider.WaveFormat, paramName);
        return Law(provider.WaveFormat) is { } law ? new G711DecodingProvider(provider, law, format) : provider;
    }

    /// <summary>G.711 codes from the source, PCM16 out.</summary>
    private sealed class G711DecodingProvider(IWaveProvider source, G711Law law, WavFormat format) : IWaveProvider
    {
        private byte[] _codes = [];

        public WaveFormat WaveFormat { get; } = new(format.SampleRate, 16, format.Channels);

#if NET9_0_OR_GREATER
        public int Read(Span<byte> buffer) => ReadCore(buffer);
#else
        public int Read(byte[] buffer, int offset, int count) => ReadCore(buffer.AsSpan(offset, count));
#endif

        private int ReadCore(Span<byte> buffer)
        {
            var wanted = buffer.Length / 2;
            if (_codes.Length < wanted)
            {
                _codes = new byte[wanted];
            }

            var read = Math.Clamp(WaveIo.Read(source, _codes, 0, wanted), 0, wanted);
            G711.Decode(_codes.AsSpan(0, read), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(buffer[..(read * 2)]), law);
            return read * 2;
        }
    }
}
