// Placeholder with the agreed interface; replaced by the tuned detector.
namespace AudioSdk.Realtime.Uplink;

internal readonly record struct TurnDetectorSettings(TimeSpan MinSpeech, TimeSpan PrefixPadding, TimeSpan SilenceDuration, double Threshold)
{
    public static TurnDetectorSettings Default { get; } = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(600), 0.5);
}

internal enum TurnBoundaryKind { Started, Ended }

internal readonly record struct TurnBoundary(TurnBoundaryKind Kind, long SpeechSample, long DecidedAtSample);

internal sealed class TurnDetector
{
    private readonly int _frame;
    private readonly int _min;
    private readonly int _silence;
    private long _pos;
    private long _runStart = -1;
    private long _lastSpeechEnd;
    private int _acc;
    private double _energy;

    public TurnDetector(int sampleRate, TurnDetectorSettings settings)
    {
        _frame = sampleRate / 100;
        _min = (int)(settings.MinSpeech.TotalSeconds * sampleRate);
        _silence = (int)(settings.SilenceDuration.TotalSeconds * sampleRate);
    }

    public bool InTurn { get; private set; }

    public void Process(ReadOnlySpan<byte> pcm16, List<TurnBoundary> boundaries)
    {
        for (var i = 0; i + 1 < pcm16.Length; i += 2)
        {
            var s = (short)(pcm16[i] | (pcm16[i + 1] << 8));
            _energy += (double)s * s;
            _acc++;
            _pos++;
            if (_acc < _frame)
            {
                continue;
            }

            var speech = Math.Sqrt(_energy / _acc) > 500;
            _acc = 0;
            _energy = 0;
            if (speech)
            {
                if (_runStart < 0)
                {
                    _runStart = _pos - _frame;
                }

                _lastSpeechEnd = _pos;
                if (!InTurn && _pos - _runStart >= _min)
                {
                    InTurn = true;
                    boundaries.Add(new TurnBoundary(TurnBoundaryKind.Started, _runStart, _pos));
                }
            }
            else if (InTurn && _pos - _lastSpeechEnd >= _silence)
            {
                InTurn = false;
                _runStart = -1;
                boundaries.Add(new TurnBoundary(TurnBoundaryKind.Ended, _lastSpeechEnd, _pos));
            }
            else if (!InTurn)
            {
                _runStart = -1;
            }
        }
    }

    public void Reset()
    {
        InTurn = false;
        _runStart = -1;
    }
}
