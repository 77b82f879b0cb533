using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace AudioSdk.Audio;

/// <summary>Conversions between 16-bit PCM and float samples, and channel downmix.</summary>
public static class Pcm16
{
    /// <summary>Converts PCM16 samples to floats in [-1, 1).</summary>
    /// <param name="source">The samples.</param>
    /// <param name="destination">At least as long as <paramref name="source"/>.</param>
    public static void ToFloat(ReadOnlySpan<short> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination is shorter than the source.", nameof(destination));
        }

        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = source[i] / 32768f;
        }
    }

    /// <summary>Converts floats to PCM16, rounding to nearest and clipping to [-32768, 32767].</summary>
    /// <param name="source">The samples, nominally in [-1, 1].</param>
    /// <param name="destination">At least as long as <paramref name="source"/>.</param>
    /// <returns>How many samples were clipped.</returns>
    public static int FromFloat(ReadOnlySpan<float> source, Span<short> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination is shorter than the source.", nameof(destination));
        }

        var clipped = 0;
        for (var i = 0; i < source.Length; i++)
        {
            var v = Math.Round(source[i] * 32768.0);
            if (v > short.MaxValue)
            {
                v = short.MaxValue;
                clipped++;
            }
            else if (v < short.MinValue)
            {
                v = short.MinValue;
                clipped++;
            }
            else if (double.IsNaN(v))
            {
                v = 0;
            }

            destination[i] = (short)v;
        }

        return clipped;
    }

    /// <summary>Reads little-endian PCM16 bytes (an odd trailing byte is ignored) as samples.</summary>
    /// <param name="bytes">The bytes.</param>
    public static short[] FromBytes(ReadOnlySpan<byte> bytes)
    {
        var samples = new short[bytes.Length / 2];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, short>(bytes[..(samples.Length * 2)]).CopyTo(samples);
        }
        else
        {
            for (var i = 0; i < samples.Length; i++)
            {
                samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]);
            }
        }

        return samples;
    }

    /// <summary>Writes samples as little-endian PCM16 bytes.</summary>
    /// <param name="samples">The samples.</param>
    public static byte[] ToBytes(ReadOnlySpan<short> samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), samples[i]);
        }

        return bytes;
    }

    /// <summary>Averages interleaved channels into mono.</summary>
    /// <param name="interleaved">Frames of <paramref name="channels"/> samples each.</param>
    /// <param name="channels">The channel count.</param>
    /// <returns>One sample per frame.</returns>
    public static float[] Downmix(ReadOnlySpan<float> interleaved, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (channels == 1)
        {
            return interleaved.ToArray();
        }

        var mono = new float[interleaved.Length / channels];
        DownmixInto(interleaved, mono, channels);
        return mono;
    }

    /// <summary>
    /// Averages each frame of <paramref name="channels"/> samples into <paramref name="mono"/>, which may be
    /// <paramref name="interleaved"/> itself (frame f is written after samples f·channels onwards were read); returns the
    /// frame count.
    /// </summary>
    internal static int DownmixInto(ReadOnlySpan<float> interleaved, Span<float> mono, int channels)
    {
        var frames = interleaved.Length / channels;
        for (var f = 0; f < frames; f++)
        {
            var sum = 0f;
            var start = f * channels;
            for (var c = 0; c < channels; c++)
            {
                sum += interleaved[start + c];
            }

            mono[f] = sum / channels;
        }

        return frames;
    }
}
