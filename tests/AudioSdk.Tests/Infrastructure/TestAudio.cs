using System.Buffers.Binary;

namespace AudioSdk.Tests.Infrastructure;

/// <summary>Audio generated inside the tests.</summary>
public static class TestAudio
{
    /// <summary>A sine tone as float samples (the one tone generator of the tests; the others are views of it).</summary>
    public static float[] Sine(double frequency, int sampleRate, double seconds, double amplitude = 0.5)
    {
        var samples = new float[(int)Math.Round(seconds * sampleRate)];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)(amplitude * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
        }

        return samples;
    }

    /// <summary>A tone as little-endian PCM16 mono bytes.</summary>
    public static byte[] TonePcm16(double seconds, double frequency = 440, int sampleRate = 16000, double amplitude = 12000.0 / 32768)
    {
        var samples = Sine(frequency, sampleRate, seconds, amplitude);
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), (short)Math.Round(samples[i] * 32768));
        }

        return bytes;
    }

    /// <summary>A 16-bit mono WAV of a sine tone.</summary>
    public static byte[] SineWav(double seconds, int sampleRate = 16000, double frequency = 440)
    {
        var pcm = TonePcm16(seconds, frequency, sampleRate, 10000.0 / 32768);
        var wav = new byte[44 + pcm.Length];
        WriteHeader(wav, sampleRate, pcm.Length);
        pcm.CopyTo(wav.AsSpan(44));
        return wav;
    }

    /// <summary>A generated burst of speech-like sound: a harmonic tone with 10 ms fades.</summary>
    public sealed record Burst(double Start, double Duration, double Frequency);

    /// <summary>Mono float samples: speech-like bursts separated by silence (with a faint noise floor).</summary>
    public static float[] Bursts(int sampleRate, double totalSeconds, IEnumerable<Burst> bursts)
    {
        var samples = new float[(int)Math.Round(totalSeconds * sampleRate)];
        var random = new Random(3);
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)((random.NextDouble() - 0.5) * 0.001);
        }

        foreach (var b in bursts)
        {
            var first = (int)Math.Round(b.Start * sampleRate);
            var count = (int)Math.Round(b.Duration * sampleRate);
            var fade = sampleRate / 100;
            for (var i = Math.Max(0, -first); i < count && first + i < samples.Length; i++)
            {
                var t = (double)i / sampleRate;
                var envelope = Math.Min(1, Math.Min(i, count - 1 - i) / (double)fade);
                var w = 2 * Math.PI * b.Frequency * t;
                samples[first + i] += (float)(0.4 * envelope * (Math.Sin(w) + (0.3 * Math.Sin(2 * w)) + (0.1 * Math.Sin(3 * w))) / 1.4);
            }
        }

        return samples;
    }

    /// <summary>A 16-bit WAV of float samples (interleaved when there are several channels).</summary>
    public static byte[] Wav(float[] samples, int sampleRate, int channels = 1) =>
        AudioSdk.Audio.WavFile.Write(samples, new AudioSdk.Audio.WavFormat(AudioSdk.Audio.WavEncoding.Pcm, sampleRate, channels, 16));

    public static void WriteHeader(Span<byte> wav, int sampleRate, long dataBytes)
    {
        "RIFF"u8.CopyTo(wav);
        BinaryPrimitives.WriteUInt32LittleEndian(wav[4..], (uint)Math.Min(uint.MaxValue, 36 + dataBytes));
        "WAVEfmt "u8.CopyTo(wav[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(wav[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(wav[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(wav[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(wav[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(wav[28..], sampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(wav[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(wav[34..], 16);
        "data"u8.CopyTo(wav[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(wav[40..], (uint)Math.Min(uint.MaxValue, dataBytes));
    }
}

/// <summary>A long WAV produced on the fly: a header, then a repeating pattern; nothing is held in memory.</summary>
public sealed class GeneratedWavStream(long totalLength, bool seekable, int sampleRate = 16000) : Stream
{
    private readonly byte[] _header = CreateHeader(totalLength, sampleRate);
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => seekable;

    public override bool CanWrite => false;

    public override long Length => seekable ? totalLength : throw new NotSupportedException();

    public override long Position
    {
        get => seekable ? _position : throw new NotSupportedException();
        set => _position = seekable ? value : throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, totalLength - _position);
        for (var i = 0; i < n; i++)
        {
            var p = _position + i;
            buffer[i] = p < _header.Length ? _header[p] : (byte)(p * 31);
        }

        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => totalLength + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private static byte[] CreateHeader(long totalLength, int sampleRate)
    {
        var header = new byte[44];
        TestAudio.WriteHeader(header, sampleRate, totalLength - 44);
        return header;
    }
}
