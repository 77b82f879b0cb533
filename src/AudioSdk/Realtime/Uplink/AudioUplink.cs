using AudioSdk.Audio;

namespace AudioSdk.Realtime.Uplink;

/// <summary>Where the uplink delivers wire-rate PCM16, one chunk at a time: the dialect's driver.</summary>
internal interface IUplinkSink
{
    ValueTask SendAudioAsync(ReadOnlyMemory<byte> wirePcm16, CancellationToken cancellationToken);
}

/// <summary>What the client-side turn stage tells the session: a turn started (its audio has begun to go out), or ended (commit
/// it).</summary>
internal interface ITurnListener
{
    /// <summary>A turn's first audio went out; <paramref name="fromSample"/> includes the prefix padding, <paramref name="speechSample"/>
    /// is the onset.</summary>
    ValueTask TurnStartedAsync(long fromSample, long speechSample, CancellationToken cancellationToken);

    /// <summary>A turn's audio has all gone out: speech stopped at <paramref name="speechEndSample"/>, the commit goes at
    /// <paramref name="commitSample"/>.</summary>
    ValueTask TurnEndedAsync(long speechEndSample, long commitSample, CancellationToken cancellationToken);
}

/// <summary>
/// The audio path from the caller to the driver, one stage per job: odd-byte carry, WAV decoding, downmix,
/// resampling, chunking, pacing. The caller serialises calls (one utterance's audio at a time). A stage that
/// watches the audio (turn detection) or keeps it (replay after a reconnect) goes between resampling and chunking.
/// </summary>
internal sealed class AudioUplink
{
    private readonly OddByteCarry _carry = new();
    private readonly ResampleStage _resample;
    private readonly Chunker _chunker;
    private readonly Pacer _pacer;
    private readonly IUplinkSink _sink;
    private readonly int _wireRate;
    private readonly TurnGate? _gate;
    private readonly ITurnListener? _turns;
    private readonly G711Law? _inputLaw;
    private readonly G711Law? _wireLaw;
    private byte[] _decoded = [];

    public AudioUplink(int inputRate, int wireRate, TimeSpan chunkDuration, bool pacing, TimeProvider time, IUplinkSink sink,
        TurnGate? gate = null, ITurnListener? turns = null, G711Law? inputLaw = null, G711Law? wireLaw = null)
    {
        _inputLaw = inputLaw;
        _wireLaw = wireLaw;
        _wireRate = wireRate;
        _gate = gate;
        _turns = turns;
        _resample = new ResampleStage(inputRate, wireRate);
        _chunker = new Chunker(checked((int)(wireRate * chunkDuration.TotalSeconds) * 2));
        _pacer = new Pacer(pacing, wireRate, time);
        _sink = sink;
    }

    /// <summary>PCM16 mono at the input rate, in any byte count (or G.711 codes, one per sample, when the input is G.711).</summary>
    public ValueTask SendPcmAsync(ReadOnlyMemory<byte> pcm16, CancellationToken cancellationToken)
    {
        if (_inputLaw is { } law)
        {
            return pcm16.IsEmpty ? default : SendWireAsync(_resample.Process(DecodeInput(pcm16.Span, law)), cancellationToken);
        }

        var whole = _carry.Take(pcm16);
        return whole.IsEmpty ? default : SendWireAsync(_resample.Process(whole), cancellationToken);
    }

    /// <summary>A WAV stream of any PCM or float layout, decoded, downmixed and resampled from its own rate.</summary>
    public async Task SendWavAsync(Stream wav, CancellationToken cancellationToken)
    {
        var decoder = await WavDecoder.OpenAsync(wav, cancellationToken).ConfigureAwait(false);
        var resample = new ResampleStage(decoder.Format.SampleRate, _wireRate);
        while (true)
        {
            var block = await decoder.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (block.IsEmpty)
            {
                break;
            }

            await SendWireAsync(resample.Process(decoder.Downmix(block)), cancellationToken).ConfigureAwait(false);
        }

        await SendWireAsync(resample.Flush(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Audio already converted to the wire format by a <see cref="FrameStage"/> (a live source in its own format).</summary>
    public ValueTask SendConvertedAsync(ReadOnlyMemory<byte> wirePcm16, CancellationToken cancellationToken) =>
        wirePcm16.IsEmpty ? default : SendWireAsync(wirePcm16, cancellationToken);

    /// <summary>Ends the utterance's audio before a commit: the resampler's tail goes out, a dangling odd byte is dropped.</summary>
    /// <returns>Whether an odd byte was dropped.</returns>
    public async ValueTask<bool> EndUtteranceAsync(CancellationToken cancellationToken)
    {
        var dropped = _carry.Drop();
        await SendWireAsync(_resample.Flush(), cancellationToken).ConfigureAwait(false);
        if (_gate is not null)
        {
            await SendChunksAsync(_gate.EndTurn(keepAudio: true), cancellationToken).ConfigureAwait(false);
        }

        return dropped;
    }

    /// <summary>Discards the utterance's audio held in the stages (a clear).</summary>
    /// <returns>Whether an odd byte was dropped.</returns>
    public bool Discard()
    {
        _resample.Reset();
        _gate?.EndTurn(keepAudio: false);
        return _carry.Drop();
    }

    private ValueTask SendWireAsync(ReadOnlyMemory<byte> pcm, CancellationToken cancellationToken) =>
        _gate is null ? SendChunksAsync(pcm, cancellationToken) : SendGatedAsync(pcm, cancellationToken);

    /// <summary>Client-side turns: the gate plans, this carries the plan out (audio, then the turn's start or end).</summary>
    private async ValueTask SendGatedAsync(ReadOnlyMemory<byte> pcm, CancellationToken cancellationToken)
    {
        if (pcm.IsEmpty)
        {
            return;
        }

        _gate!.Process(pcm.Span);
        GateStep? started = null;
        for (var i = 0; i < _gate.Steps.Count; i++)
        {
            var step = _gate.Steps[i];
            switch (step.Kind)
            {
                case GateStepKind.Start:
                    _gate.SkipTo(step.From);
                    started = step;
                    break;
                case GateStepKind.Send:
                    await SendChunksAsync(_gate.Take(step.From), cancellationToken).ConfigureAwait(false);
                    if (started is { } start)
                    {
                        started = null;
                        await _turns!.TurnStartedAsync(start.From, start.Speech, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case GateStepKind.End:
                    await _turns!.TurnEndedAsync(step.From, step.Speech, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async ValueTask SendChunksAsync(ReadOnlyMemory<byte> pcm, CancellationToken cancellationToken)
    {
        foreach (var chunk in _chunker.Split(pcm))
        {
            await _pacer.WaitAsync(chunk.Length, cancellationToken).ConfigureAwait(false);
            // The last stage: G.711 on the wire (the stages before, turn detection included, work on PCM16).
            var wire = _wireLaw is { } law ? G711.EncodePcmBytes(chunk.Span, law) : chunk;
            await _sink.SendAudioAsync(wire, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>G.711 input: the codes to PCM16 bytes, in a buffer reused from call to call.</summary>
    private ReadOnlyMemory<byte> DecodeInput(ReadOnlySpan<byte> codes, G711Law law)
    {
        var bytes = checked(codes.Length * 2);
        if (_decoded.Length < bytes)
        {
            _decoded = new byte[Math.Max(bytes, _decoded.Length * 2)];
        }

        G711.Decode(codes, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(_decoded.AsSpan(0, bytes)), law);
        return _decoded.AsMemory(0, bytes);
    }
}
