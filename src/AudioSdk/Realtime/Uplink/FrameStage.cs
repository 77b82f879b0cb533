using System.Runtime.InteropServices;
using AudioSdk.Audio;
using AudioSdk.Audio.Interop;
using NAudio.Wave;

namespace AudioSdk.Realtime.Uplink;

/// <summary>
/// A live source in its own format (NAudio's <see cref="WaveFormat"/>: PCM, float, extensible or G.711, any rate and
/// channel count) to wire PCM16, buffer by buffer: partial frames carried to the next buffer, decode, downmix, resample.
/// The output is valid until the next call.
/// </summary>
internal sealed class FrameStage
{
    private readonly WavFormat _format;
    private readonly G711Law? _law;
    private readonly int _frameBytes;
    private readonly ResampleStage _resample;
    private readonly byte[] _carry;
    private int _carried;
    private float[] _floats = [];
    private short[] _decoded = [];

    public FrameStage(WaveFormat source, int wireRate, string paramName)
    {
        _format = WaveFormats.ToWavFormat(source, paramName);
        _law = WaveFormats.Law(source);
        _frameBytes = _law is null ? _format.BlockAlign : _format.Channels;
        _carry = new byte[_frameBytes];
        _resample = new ResampleStage(_format.SampleRate, wireRate);
    }

    /// <summary>Source bytes of about this duration, in whole frames: a read size for pulling.</summary>
    public int BytesFor(TimeSpan duration) => Math.Max(1, (int)(_format.SampleRate * duration.TotalSeconds)) * _frameBytes;

    public ReadOnlyMemory<byte> Process(ReadOnlySpan<byte> data)
    {
        var total = _carried + data.Length;
        var whole = total - (total % _frameBytes);
        if (whole == 0)
        {
            data.CopyTo(_carry.AsSpan(_carried));
            _carried += data.Length;
            return ReadOnlyMemory<byte>.Empty;
        }

        if (_carried == 0)
        {
            data[whole..].CopyTo(_carry);
            _carried = data.Length - whole;
            return _resample.Process(Mono(data[..whole]));
        }

        var joined = new byte[whole];
        _carry.AsSpan(0, _carried).CopyTo(joined);
        var fromData = whole - _carried;
        data[..fromData].CopyTo(joined.AsSpan(_carried));
        data[fromData..].CopyTo(_carry);
        _carried = data.Length - fromData;
        return _resample.Process(Mono(joined));
    }

    /// <summary>The source ended: the filter's tail.</summary>
    public ReadOnlyMemory<byte> Flush()
    {
        _carried = 0;
        return _resample.Flush();
    }

    private ReadOnlySpan<float> Mono(ReadOnlySpan<byte> frames)
    {
        int count;
        if (_law is { } law)
        {
            count = frames.Length;
            Grow(ref _decoded, count);
            Grow(ref _floats, count);
            G711.Decode(frames, _decoded, law);
            Pcm16.ToFloat(_decoded.AsSpan(0, count), _floats);
        }
        else
        {
            count = frames.Length / (_format.BitsPerSample / 8);
            Grow(ref _floats, count);
            WavFile.Decode(frames, _format, _floats);
        }

        var span = _floats.AsSpan(0, count);
        return span[..Downmixer.DownmixInPlace(span, _format.Channels)];
    }

    private static void Grow<T>(ref T[] array, int length)
    {
        if (array.Length < length)
        {
            array = new T[Math.Max(length, array.Length * 2)];
        }
    }
}
