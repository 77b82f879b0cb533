namespace AudioSdk.Realtime.Uplink;

/// <summary>The client-side turn detector's settings; <see cref="Default"/> holds the values tuned on recorded speech.</summary>
/// <param name="MinSpeech">Speech needed before a turn opens.</param>
/// <param name="PrefixPadding">Audio kept from before the onset (the gate's job; the detector only reports the onset).</param>
/// <param name="SilenceDuration">Silence that ends a turn.</param>
/// <param name="Threshold">
/// Sensitivity, 0 to 1: the margin a frame's speech-band energy needs over the noise floor is <c>3 + 6 × Threshold</c> dB
/// (6 dB at the default 0.5); frames that cross zero like broadband noise need 4 dB more.
/// </param>
/// <param name="EchoReference">What the speaker plays, for <see cref="EchoGate"/>; none by default.</param>
/// <param name="HalfDuplex">With a reference: nothing heard while it plays is speech.</param>
internal readonly record struct TurnDetectorSettings(TimeSpan MinSpeech, TimeSpan PrefixPadding, TimeSpan SilenceDuration,
    double Threshold, Audio.PlaybackReference? EchoReference = null, bool HalfDuplex = false)
{
    /// <summary>Tuned on spoken dictation with white, pink and mains-hum noise at 20 and 10 dB SNR (see the speech tests).</summary>
    public static TurnDetectorSettings Default { get; } = new(TimeSpan.FromMilliseconds(120), TimeSpan.FromMilliseconds(300),
        TimeSpan.FromMilliseconds(550), 0.5);
}

internal enum TurnBoundaryKind
{
    Started,
    Ended,
}

/// <summary>A turn's start or end, in samples from the first sample the detector was given.</summary>
/// <param name="Kind">Start or end.</param>
/// <param name="SpeechSample">
/// Started: the onset of speech (no padding). Ended: the end of the last frame heard as speech plus 60 ms, the decay
/// of a final consonant that falls under the noise (measured on recorded speech: without it ends come 0 to 200 ms early).
/// </param>
/// <param name="DecidedAtSample">Where the decision was made: MinSpeech after the onset, or SilenceDuration after the speech.</param>
internal readonly record struct TurnBoundary(TurnBoundaryKind Kind, long SpeechSample, long DecidedAtSample);

/// <summary>
/// Voice activity on 10 ms frames of PCM16: the energy of the speech band (250 Hz to 3.5 kHz, two biquads, so hum and
/// hiss outside it weigh little) against a noise floor that
/// adapts (the quietest 100 ms block of the last 3 s of non-speech), with a zero-crossing guard: frames that cross zero
/// as often as broadband noise need more energy. A turn opens after <c>MinSpeech</c> of speech (short gaps allowed),
/// and ends after <c>SilenceDuration</c> without a run of at least 30 ms of speech (so isolated blips in a pause do not
/// keep it open). Pure and allocation-free per call; the same audio in any block sizes gives the same boundaries.
/// </summary>
internal sealed class TurnDetector
{
    private const int RunToCount = 3;
    private const double SilentDb = -75;
    private readonly int _frame;
    private readonly long _minSpeech;
    private readonly long _silence;
    private readonly long _gapAllowed;
    private readonly long _hangover;
    private readonly double _margin;
    private readonly NoiseFloor _voicedFloor = new();
    private readonly NoiseFloor _hissFloor = new();
    private readonly EchoGate? _echo;
    private Biquad _highPass;
    private Biquad _lowPass;
    private Biquad _hissPass;

    // The frame under way.
    private double _voiced;
    private double _hiss;
    private int _crossings;
    private int _filled;
    private short _previous;
    private long _position;

    // Turn state.
    private long _runStart = -1;
    private long _runSpeech;
    private long _lastSpeechFrameEnd;
    private int _consecutive;
    private long _lastSpeechEnd;

    // Frames that pass the lower (hysteresis) threshold, by frame number modulo the ring: a confirmed onset walks back over them.
    private readonly bool[] _weak = new bool[32];
    private long _frameNumber;

    public TurnDetector(int sampleRate, TurnDetectorSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 100);
        _frame = sampleRate / 100;
        _minSpeech = (long)(settings.MinSpeech.TotalSeconds * sampleRate);
        _silence = (long)(settings.SilenceDuration.TotalSeconds * sampleRate);
        _gapAllowed = sampleRate * 3 / 20;
        _hangover = sampleRate * 6 / 100;
        _margin = 3 + (6 * Math.Clamp(settings.Threshold, 0, 1));
        var split = Math.Min(3500, sampleRate * 0.45);
        _highPass = Biquad.HighPass(sampleRate, 250);
        _lowPass = Biquad.LowPass(sampleRate, split);
        _hissPass = Biquad.HighPass(sampleRate, split);
        _echo = settings.EchoReference is { } reference ? new EchoGate(reference, settings.HalfDuplex, sampleRate) : null;
    }

    public bool InTurn { get; private set; }

    /// <summary>The noise floor of the voiced band in dBFS (NaN before the first frame).</summary>
    public double NoiseFloorDb => _voicedFloor.Db;

    public void Process(ReadOnlySpan<byte> pcm16, List<TurnBoundary> boundaries)
    {
        _echo?.BeginBlock(_position + (pcm16.Length / 2));
        for (var i = 0; i + 1 < pcm16.Length; i += 2)
        {
            var sample = (short)(pcm16[i] | (pcm16[i + 1] << 8));
            var voiced = _lowPass.Next(_highPass.Next(sample));
            var hiss = _hissPass.Next(sample);
            _voiced += voiced * voiced;
            _hiss += hiss * hiss;
            if ((sample < 0) != (_previous < 0))
            {
                _crossings++;
            }

            _previous = sample;
            _position++;
            if (++_filled == _frame)
            {
                EndFrame(boundaries);
            }
        }
    }

    public void Reset()
    {
        InTurn = false;
        _runStart = -1;
        _runSpeech = 0;
        _consecutive = 0;
    }

    private static double Db(double meanSquare) => 10 * Math.Log10(meanSquare + 1e-12);

    private void EndFrame(List<TurnBoundary> boundaries)
    {
        const double FullScale = 32768.0 * 32768.0;
        var voiced = _voiced / _frame / FullScale;
        var hiss = _hiss / _frame / FullScale;
        var zcr = (double)_crossings / _frame;
        _voiced = 0;
        _hiss = 0;
        _crossings = 0;
        _filled = 0;

        // The voiced band carries vowels and voiced consonants; a frame that crosses zero like broadband noise needs
        // more there. The hiss band (above 3.5 kHz) carries fricatives (s, f, th), against its own floor.
        var voicedDb = Db(voiced);
        var hissDb = Db(hiss);
        var voicedOver = voicedDb - _voicedFloor.Start(voicedDb) - (zcr > 0.35 ? 4 : 0);
        var hissOver = hissDb - _hissFloor.Start(hissDb) - 3;
        var audible = voicedDb > SilentDb || hissDb > SilentDb;

        // While the speaker plays, the frame must also rise over the echo expected from what it played (the floors
        // learn nothing then: the echo is not the room's noise).
        var echo = _echo?.Floor(_position, voicedDb, InTurn) ?? double.NegativeInfinity;
        var speech = audible && (voicedOver > _margin || hissOver > _margin) && voicedDb > echo;

        // Hysteresis: half the margin keeps a turn going through the decay of its last sound, and lets a confirmed
        // onset reach back over a weak first consonant.
        var weak = audible && (voicedOver > _margin / 2 || hissOver > _margin / 2) && voicedDb > echo - (EchoGate.Margin / 2);
        _weak[_frameNumber++ % _weak.Length] = weak;
        if (double.IsNegativeInfinity(echo))
        {
            _voicedFloor.Track(voiced, speech, _margin);
            _hissFloor.Track(hiss, speech, _margin);
        }
        var frameEnd = _position;
        var frameStart = frameEnd - _frame;
        if (!InTurn)
        {
            if (speech)
            {
                if (_runStart < 0 || frameStart - _lastSpeechFrameEnd > _gapAllowed)
                {
                    _runStart = frameStart;
                    _runSpeech = 0;
                }

                _runSpeech += _frame;
                _lastSpeechFrameEnd = frameEnd;
                if (_runSpeech >= _minSpeech)
                {
                    InTurn = true;
                    _consecutive = RunToCount;
                    _lastSpeechEnd = frameEnd;
                    boundaries.Add(new TurnBoundary(TurnBoundaryKind.Started, ReachBack(_runStart), frameEnd));
                }
            }
            else if (_runStart >= 0 && frameEnd - _lastSpeechFrameEnd > _gapAllowed)
            {
                _runStart = -1;
            }

            return;
        }

        _consecutive = speech || (weak && _consecutive > 0) ? _consecutive + 1 : 0;
        if (_consecutive >= RunToCount)
        {
            _lastSpeechEnd = frameEnd;
        }

        if (frameEnd - _lastSpeechEnd >= _silence)
        {
            InTurn = false;
            _runStart = -1;
            _consecutive = 0;
            boundaries.Add(new TurnBoundary(TurnBoundaryKind.Ended, Math.Min(_lastSpeechEnd + _hangover, frameEnd), frameEnd));
        }
    }

    /// <summary>The onset moved back over the weak frames just before it (at most the ring's length, short of the frame just
    /// ended).</summary>
    private long ReachBack(long onset)
    {
        var frames = (_position - onset) / _frame;
        var back = 0;
        while (back + frames < _weak.Length - 1 && onset - ((back + 1) * (long)_frame) >= 0
            && _weak[(_frameNumber - 1 - frames - back + (_weak.Length * 4)) % _weak.Length])
        {
            back++;
        }

        return onset - (back * (long)_frame);
    }

    /// <summary>
    /// A band's noise floor: the quietest 100 ms block of the last 3 s that held no speech. Speech has quieter stretches
    /// within 3 s, so when even the quietest block of all the last 3 s is far above the floor, the noise itself got
    /// louder and the floor follows.
    /// </summary>
    private sealed class NoiseFloor
    {
        private const int BlockFrames = 10;
        private const int WindowBlocks = 30;
        private readonly double[] _quiet = new double[WindowBlocks];
        private readonly double[] _all = new double[WindowBlocks];
        private int _quietCount;
        private int _quietNext;
        private int _allCount;
        private int _allNext;
        private double _block;
        private int _frames;
        private bool _hadSpeech;

        public double Db { get; private set; } = double.NaN;

        /// <summary>The floor, initialised from the first frame.</summary>
        public double Start(double frameDb)
        {
            if (double.IsNaN(Db))
            {
                Db = frameDb;
            }

            return Db;
        }

        public void Track(double meanSquare, bool speech, double margin)
        {
            _block += meanSquare;
            _hadSpeech |= speech;
            if (++_frames < BlockFrames)
            {
                return;
            }

            var block = _block / BlockFrames;
            var hadSpeech = _hadSpeech;
            _block = 0;
            _frames = 0;
            _hadSpeech = false;
            _all[_allNext] = block;
            _allNext = (_allNext + 1) % WindowBlocks;
            _allCount = Math.Min(_allCount + 1, WindowBlocks);
            if (_allCount == WindowBlocks && TurnDetector.Db(Min(_all, _allCount)) > Db + margin)
            {
                Array.Copy(_all, _quiet, WindowBlocks);
                _quietCount = WindowBlocks;
                Db = TurnDetector.Db(Min(_quiet, _quietCount));
                return;
            }

            if (hadSpeech && _quietCount > 0)
            {
                return;
            }

            _quiet[_quietNext] = block;
            _quietNext = (_quietNext + 1) % WindowBlocks;
            _quietCount = Math.Min(_quietCount + 1, WindowBlocks);
            Db = TurnDetector.Db(Min(_quiet, _quietCount));
        }

        private static double Min(double[] values, int count)
        {
            var min = double.MaxValue;
            for (var b = 0; b < count; b++)
            {
                min = Math.Min(min, values[b]);
            }

            return min;
        }
    }
}

/// <summary>A second-order IIR section (RBJ's cookbook forms), transposed direct form II.</summary>
internal struct Biquad
{
    private readonly double _b0;
    private readonly double _b1;
    private readonly double _b2;
    private readonly double _a1;
    private readonly double _a2;
    private double _z1;
    private double _z2;

    private Biquad(double b0, double b1, double b2, double a0, double a1, double a2)
    {
        _b0 = b0 / a0;
        _b1 = b1 / a0;
        _b2 = b2 / a0;
        _a1 = a1 / a0;
        _a2 = a2 / a0;
        _z1 = 0;
        _z2 = 0;
    }

    public static Biquad HighPass(int sampleRate, double cutoff)
    {
        var (cos, alpha) = Shape(sampleRate, cutoff);
        return new Biquad((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
    }

    public static Biquad LowPass(int sampleRate, double cutoff)
    {
        var (cos, alpha) = Shape(sampleRate, cutoff);
        return new Biquad((1 - cos) / 2, 1 - cos, (1 - cos) / 2, 1 + alpha, -2 * cos, 1 - alpha);
    }

    public double Next(double x)
    {
        var y = (_b0 * x) + _z1;
        _z1 = (_b1 * x) - (_a1 * y) + _z2;
        _z2 = (_b2 * x) - (_a2 * y);
        return y;
    }

    private static (double Cos, double Alpha) Shape(int sampleRate, double cutoff)
    {
        var w = 2 * Math.PI * cutoff / sampleRate;
        return (Math.Cos(w), Math.Sin(w) / (2 * 0.7071067811865476));
    }
}
