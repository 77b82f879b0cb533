using System.Buffers.Binary;

namespace AudioSdk.Testing.Internal;

/// <summary>
/// Finds sound bursts in PCM16 or float32 WAV data as it streams past: 20 ms frames, a frame is sound when
/// its RMS is above -40 dBFS, gaps under 300 ms are bridged and bursts under 100 ms dropped. Channels are averaged.
/// </summary>
internal sealed class PcmActivity
{
    private const double Threshold = 0.01;
    private const int BridgeFrames = 15;
    private const int MinBurstFrames = 5;

    private readonly int _sampleRate;
    private readonly int _channels;
    private readonly int _bytesPerSample;
    private readonly bool _float;
    private readonly int _frameLength;
    private readonly List<SoundBurst> _bursts = [];
    private readonly byte[] _carry = new byte[8];
    private int _carryCount;
    private int _channel;
    private float _mix;
    private double _sumSquares;
    private int _inFrame;
    private long _frameIndex;
    private float _previous;
    private long _crossings;
    private long _burstStart = -1;
    private long _lastActive = -1;
    private long _burstCrossings;
    private long _burstActiveFrames;

    private PcmActivity(int sampleRate, int channels, int bits, bool isFloat)
    {
        _sampleRate = sampleRate;
        _channels = channels;
        _bytesPerSample = bits / 8;
        _float = isFloat;
        _frameLength = Math.Max(1, sampleRate / 50);
    }

    public static PcmActivity? Create(int sampleRate, int channels, int bits, int formatTag) =>
        sampleRate > 0 && channels > 0 && ((formatTag == 1 && bits == 16) || (formatTag == 3 && bits == 32)) ? new PcmActivity(sampleRate, channels, bits, formatTag == 3) : null;

    public void Feed(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_carryCount > 0 || data.Length < _bytesPerSample)
            {
                var n = Math.Min(_bytesPerSample - _carryCount, data.Length);
                data[..n].CopyTo(_carry.AsSpan(_carryCount));
                _carryCount += n;
                data = data[n..];
                if (_carryCount == _bytesPerSample)
                {
                    Sample(Decode(_carry));
                    _carryCount = 0;
                }

                continue;
            }

            var whole = data.Length / _bytesPerSample * _bytesPerSample;
            for (var i = 0; i < whole; i += _bytesPerSample)
            {
                Sample(Decode(data[i..]));
            }

            data = data[whole..];
        }
    }

    public IReadOnlyList<SoundBurst> Finish()
    {
        Close(_frameIndex + BridgeFrames + 1);
        return _bursts;
    }

    private float Decode(ReadOnlySpan<byte> b) => _float ? BinaryPrimitives.ReadSingleLittleEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b) / 32768f;

    private void Sample(float value)
    {
        _mix += value;
        if (++_channel < _channels)
        {
            return;
        }

        var mono = _mix / _channels;
        _mix = 0;
        _channel = 0;
        _sumSquares += mono * (double)mono;
        if ((mono >= 0) != (_previous >= 0))
        {
            _crossings++;
        }

        _previous = mono;
        if (++_inFrame < _frameLength)
        {
            return;
        }

        var active = Math.Sqrt(_sumSquares / _frameLength) > Threshold;
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
            }

            _burstCrossings += _crossings;
            _burstActiveFrames++;
            _lastActive = _frameIndex;
        }

        _sumSquares = 0;
        _crossings = 0;
        _inFrame = 0;
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
                Math.Round(_burstCrossings / (2 * _burstActiveFrames * frameSeconds))));
        }

        _burstStart = -1;
    }
}
