using System.Runtime.InteropServices;
using AudioSdk.Audio;

namespace AudioSdk.Realtime.Uplink;

/// <summary>
/// Stage 4 of the uplink: mono audio at the input rate to PCM16 bytes at the wire rate (band-limited; a pass-through
/// when the rates agree). Its buffers grow once and are reused, so steady sending allocates nothing. The output is
/// valid until the next call.
/// </summary>
internal sealed class ResampleStage
{
    private readonly AudioResampler? _resampler;
    private float[] _input = [];
    private float[] _output = [];
    private byte[] _pcm = [];

    public ResampleStage(int inputRate, int wireRate)
    {
        _resampler = inputRate == wireRate ? null : new AudioResampler(inputRate, wireRate);
    }

    /// <summary>Whole PCM16 samples at the input rate.</summary>
    public ReadOnlyMemory<byte> Process(ReadOnlyMemory<byte> pcm16)
    {
        if (_resampler is null || pcm16.IsEmpty)
        {
            return pcm16;
        }

        var count = pcm16.Length / 2;
        Grow(ref _input, count);
        Pcm16.ToFloat(MemoryMarshal.Cast<byte, short>(pcm16.Span), _input);
        return Resample(_input.AsSpan(0, count));
    }

    /// <summary>Mono float samples at the input rate.</summary>
    public ReadOnlyMemory<byte> Process(ReadOnlySpan<float> mono) => _resampler is null ? Encode(mono) : Resample(mono);

    /// <summary>Ends the utterance: the filter's tail, then a clean state for the next one.</summary>
    public ReadOnlyMemory<byte> Flush()
    {
        if (_resampler is null)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        Grow(ref _output, _resampler.GetMaxOutputLength(0));
        var produced = _resampler.Flush(_output);
        _resampler.Reset();
        return Encode(_output.AsSpan(0, produced));
    }

    /// <summary>Drops what the filter holds (a cleared utterance).</summary>
    public void Reset() => _resampler?.Reset();

    private ReadOnlyMemory<byte> Resample(ReadOnlySpan<float> mono)
    {
        Grow(ref _output, _resampler!.GetMaxOutputLength(mono.Length));
        var produced = _resampler.Process(mono, _output);
        return Encode(_output.AsSpan(0, produced));
    }

    private ReadOnlyMemory<byte> Encode(ReadOnlySpan<float> samples)
    {
        var bytes = checked(samples.Length * 2);
        Grow(ref _pcm, bytes);
        Pcm16.FromFloat(samples, MemoryMarshal.Cast<byte, short>(_pcm.AsSpan(0, bytes)));
        return _pcm.AsMemory(0, bytes);
    }

    private static void Grow<T>(ref T[] array, int length)
    {
        if (array.Length < length)
        {
            array = new T[Math.Max(length, array.Length * 2)];
        }
    }
}
