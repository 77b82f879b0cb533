using System.Buffers.Binary;

namespace AudioSdk.Testing.Internal;

/// <summary>
/// Finds sound bursts in PCM16 or float32 WAV data as it streams past: 20 ms frames, a frame is sound when
/// its RMS is above -40 dBFS, gaps under 300 ms are bridged and bursts under 100 ms dropped. Channels are averaged.
/// The pitch is the rate of rising zero crossings (with hysteresis), good for tones and harmonic sounds.
/// </summary>
internal sealed class PcmActivity
{
    private const double Threshold = 0.01;
    private const float Hysteresis = 0.02f;
    private const int BridgeFrames = 15;
    private const int MinBurstFrames = 5;

    private readonly int _sampleRate;
    private readonly int _channels;
    private readonly int _bytesPerSample;
    private readonly bool _float;
    private readonly int _frameLength;
    private readonly List<SoundBurst> _bursts = [];
    private readonly byte[] _carry = new byte[1024];
    private int _carryCount;
    private double _sumSquares;
    private int _inFrame;
    private long _frameIndex;
    private float _previous = -1;
    private long _crossings;
    private long _burstStart = -1;
    private long _lastActive = -1;
    private long _burstCrossings;
    private long _burstActiveFrames;
    private long _sampleIndex;
    private long _frameFirstCrossing = -1;
    private long _frameLastCrossing = -1;
    private long _burstFirstCrossing = -1;
    private long _burstLastCrossing = -1;

    private PcmActivity(int sampleRate, int channels, int bits, bool isFloat)
    {
        _sampleRate = sampleRate;
        _channels = channels;
        _bytesPerSample = bits / 8;
        _float = isFloat;
        _frameLength = Math.Max(1, sampleRate / 50);
    }

    public static PcmActivity? Create(int sampleRate, int channels, int bits, int formatTag) =>
        sampleRate > 0 && channels > 0
            && ((formatTag == 1 && bits == 16) || (formatTag == 3 && bits == 32)) ? new PcmActivity(sampleRate, channels, bits,
            formatTag == 3) : null;

    public void Feed(ReadOnlySpan<byte> data)
    {
        var block = _bytesPerSample * _channels;
        if (_carryCount > 0)
        {
            var n = Math.Min(block - _carryCount, data.Length);
            data[..n].CopyTo(_carry.AsSpan(_carryCount));
            _carryCount += n;
            data = data[n..];
            if (_carryCount < block)
            {
                return;
            }

            Blocks(_carry.AsSpan(0, block));
            _carryCount = 0;
        }

        var whole = data.Length / block * block;
        Blocks(data[..whole]);
        data[whole..].CopyTo(_carry);
        _carryCount = data.Length - whole;
    }

    private void Blocks(ReadOnlySpan<byte> data)
    {
        var sumSquares = _sumSquares;
        var inFrame = _inFrame;
        var crossings = _crossings;
        var previous = _previous;
        var stride = _bytesPerSample * _channels;
        for (var offset = 0; offset < data.Length; offset += stride)
        {
            var mix = 0f;
            for (var c = 0; c < _channels; c++)
            {
                var at = data[(offset + (c * _bytesPerSample))..];
                mix += _float ? BinaryPrimitives.ReadSingleLittleEndian(at) : BinaryPrimitives.ReadInt16LittleEndian(at) / 32768f;
            }

            var mono = mix / _channels;
            sumSquares += mono * (double)mono;

            // Rising crossings with hysteresis: one per cycle, unmoved by harmonics and noise.
            if (previous < 0 && mono > Hysteresis)
            {
                crossings++;
                previous = 1;
                if (_frameFirstCrossing < 0)
                {
                    _frameFirstCrossing = _sampleIndex;
                }

                _frameLastCrossing = _sampleIndex;
            }
            else if (previous > 0 && mono < -Hysteresis)
            {
                previous = -1;
            }

            _sampleIndex++;
            if (++inFrame == _frameLength)
            {
                EndFrame(Math.Sqrt(sumSquares / _frameLength) > Threshold, crossings);
                sumSquares = 0;
                crossings = 0;
                inFrame = 0;
            }
        }

        _sumSquares = sumSquares;
        _inFrame = inFrame;
        _crossings = crossings;
        _previous = previous;
    }

    public IReadOnlyList<SoundBurst> Finish()
    {
        Close(_frameIndex + BridgeFrames + 1);
        return _bursts;
    }

    private void EndFrame(bool active, long crossings)
    {
        if (active)
        {
            if (_burstStart >= 0 && _frameIndex - _lastActive > BridgeFrames)
            {
                Close(_frameIndex);
            }

            if (_burstStart < 0)
            {
                _burstStart = _frameIndex;
                _burstCrossings = 0;
                _burstActiveFrames = 0;
                _burstFirstCrossing = -1;
            }

            _burstCrossings += crossings;
            _burstActiveFrames++;
            if (_frameFirstCrossing >= 0)
            {
                if (_burstFirstCrossing < 0)
                {
                    _burstFirstCrossing = _frameFirstCrossing;
                }

                _burstLastCrossing = _frameLastCrossing;
            }
            _lastActive = _frameIndex;
        }

        _frameFirstCrossing = -1;
        _frameLastCrossing = -1;
        _frameIndex++;
    }

    private void Close(long now)
    {
        if (_burstStart < 0 || now - _lastActive <= BridgeFrames)
        {
            return;
        }

        var frames = _lastActive - _burstStart + 1;
        if (frames >= MinBurstFrames)
        {
            var frameSeconds = (double)_frameLength / _sampleRate;
            _bursts.Add(new SoundBurst(
                TimeSpan.FromSeconds(_burstStart * frameSeconds),
                TimeSpan.FromSeconds((_lastActive + 1) * frameSeconds),
                _burstCrossings > 1 && _burstLastCrossing > _burstFirstCrossing
                    ? Math.Round((_burstCrossings - 1) * (double)_sampleRate / (_burstLastCrossing - _burstFirstCrossing))
                    : Math.Round(_burstCrossings / (_burstActiveFrames * frameSeconds))));
        }

        _burstStart = -1;
    }
}
