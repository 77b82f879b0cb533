namespace AudioSdk.Realtime.Uplink;

/// <summary>
/// The client-side turn stage of the uplink (between resampling and chunking): the <see cref="TurnDetector"/> decides,
/// the gate holds the audio. Outside a turn nothing is sent; the recent audio is kept so that a turn starts
/// <c>PrefixPadding</c> before the speech onset. Inside a turn audio flows; when the turn ends, the audio up to the
/// decision (the trailing silence included) goes out and the turn is committed. Positions are wire samples from the
/// session's first sample.
/// </summary>
internal sealed class TurnGate
{
    private readonly TurnDetector _detector;
    private readonly List<TurnBoundary> _boundaries = [];
    private readonly long _paddingSamples;
    private readonly long _keepSamples;
    private byte[] _pending = new byte[8192];
    private int _head;
    private int _pendingBytes;
    private long _pendingStart;
    private long _position;

    public TurnGate(int wireRate, TurnDetectorSettings settings)
    {
        _detector = new TurnDetector(wireRate, settings);
        WireRate = wireRate;
        _paddingSamples = (long)(settings.PrefixPadding.TotalSeconds * wireRate);

        // Enough history for the padding before an onset that is confirmed MinSpeech (plus a few frames) later.
        _keepSamples = _paddingSamples + (long)((settings.MinSpeech.TotalSeconds + 0.1) * wireRate);
    }

    public int WireRate { get; }

    /// <summary>True while a turn is open (its audio is being sent).</summary>
    public bool InTurn { get; private set; }

    /// <summary>What the uplink does next, in order, after <see cref="Process"/>; reused between calls.</summary>
    public List<GateStep> Steps { get; } = [];

    /// <summary>Takes a block of wire PCM16 and plans what to send, start and commit (<see cref="Steps"/>).</summary>
    public void Process(ReadOnlySpan<byte> pcm16)
    {
        if (!InTurn)
        {
            // Outside a turn only the recent history stays (what the last plan sent is gone already).
            Discard(_position - _keepSamples);
        }

        Steps.Clear();
        _boundaries.Clear();
        Append(pcm16);
        _detector.Process(pcm16, _boundaries);
        _position += pcm16.Length / 2;
        foreach (var boundary in _boundaries)
        {
            if (boundary.Kind == TurnBoundaryKind.Started && !InTurn)
            {
                var from = Math.Max(_pendingStart, boundary.SpeechSample - _paddingSamples);
                Steps.Add(new GateStep(GateStepKind.Start, from, boundary.SpeechSample));
                InTurn = true;
            }
            else if (boundary.Kind == TurnBoundaryKind.Ended && InTurn)
            {
                var decided = Math.Min(boundary.DecidedAtSample, _position);
                Steps.Add(new GateStep(GateStepKind.Send, decided, 0));
                Steps.Add(new GateStep(GateStepKind.End, boundary.SpeechSample, decided));
                InTurn = false;
            }
        }

        if (InTurn)
        {
            Steps.Add(new GateStep(GateStepKind.Send, _position, 0));
        }
    }

    /// <summary>Drops the pending audio before <paramref name="from"/> (a turn's start, padding included).</summary>
    public void SkipTo(long from) => Discard(from);

    /// <summary>The pending audio up to <paramref name="until"/>, taken out of the gate; valid until the next
    /// <see cref="Process"/>.</summary>
    public ReadOnlyMemory<byte> Take(long until)
    {
        var bytes = (int)Math.Clamp((until - _pendingStart) * 2, 0, _pendingBytes);
        var taken = new ReadOnlyMemory<byte>(_pending, _head, bytes);
        _head += bytes;
        _pendingBytes -= bytes;
        _pendingStart += bytes / 2;
        return taken;
    }

    /// <summary>A manual commit or clear: the turn (if any) is over and the detector starts afresh. Returns the open turn's audio not yet
    /// sent, when kept.</summary>
    public ReadOnlyMemory<byte> EndTurn(bool keepAudio)
    {
        var wasInTurn = InTurn;
        InTurn = false;
        _detector.Reset();
        var rest = wasInTurn && keepAudio ? Take(_position) : ReadOnlyMemory<byte>.Empty;
        Discard(_position);
        return rest;
    }

    private void Append(ReadOnlySpan<byte> pcm16)
    {
        if (_head > 0)
        {
            Buffer.BlockCopy(_pending, _head, _pending, 0, _pendingBytes);
            _head = 0;
        }

        if (_pendingBytes + pcm16.Length > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingBytes + pcm16.Length));
        }

        pcm16.CopyTo(_pending.AsSpan(_pendingBytes));
        _pendingBytes += pcm16.Length;
    }

    /// <summary>Forgets pending audio before sample <paramref name="from"/>.</summary>
    private void Discard(long from)
    {
        var drop = (int)Math.Clamp((from - _pendingStart) * 2, 0, _pendingBytes);
        _head += drop;
        _pendingBytes -= drop;
        _pendingStart += drop / 2;
    }
}

internal enum GateStepKind
{
    /// <summary>A turn starts: its audio from <see cref="GateStep.From"/> (the padding included) will be sent;
    /// <see cref="GateStep.Speech"/> is the onset.</summary>
    Start,

    /// <summary>Send the pending audio up to <see cref="GateStep.From"/>.</summary>
    Send,

    /// <summary>The turn ends: speech stopped at <see cref="GateStep.From"/>, the commit goes at <see cref="GateStep.Speech"/>.</summary>
    End,
}

/// <summary>One step of the gate's plan (positions in wire samples).</summary>
internal readonly record struct GateStep(GateStepKind Kind, long From, long Speech);
