using NAudio.Wave;

namespace AudioSdk.Tests.Audio.Interop;

/// <summary>The SDK's reader over NAudio's interfaces, for the tests (they build on either NAudio.Core line).</summary>
internal static class WaveIoTest
{
    public static int Read(ISampleProvider provider, float[] buffer, int offset, int count) => AudioSdk.Audio.Interop.WaveIo.Read(provider, buffer, offset, count);
}
