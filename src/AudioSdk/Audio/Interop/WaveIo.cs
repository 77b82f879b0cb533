using NAudio.Wave;

namespace AudioSdk.Audio.Interop;

/// <summary>
/// Reads through NAudio's interfaces on either package line: NAudio.Core 3.x (net10.0 build) reads into spans,
/// 2.x (net8.0 build) into arrays.
/// </summary>
internal static class WaveIo
{
    public static int Read(IWaveProvider provider, byte[] buffer, int offset, int count) =>
#if NET9_0_OR_GREATER
        provider.Read(buffer.AsSpan(offset, count));
#else
        provider.Read(buffer, offset, count);
#endif

    public static int Read(ISampleProvider provider, float[] buffer, int offset, int count) =>
#if NET9_0_OR_GREATER
        provider.Read(buffer.AsSpan(offset, count));
#else
        provider.Read(buffer, offset, count);
#endif
}
