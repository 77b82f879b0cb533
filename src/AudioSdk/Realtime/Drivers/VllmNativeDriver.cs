using AudioSdk.Realtime.Protocol;

namespace AudioSdk.Realtime.Drivers;

/// <summary>
/// vLLM's native dialect: 16 kHz only, no acknowledgements, no item ids, one utterance per connection (safe on
/// upstream vLLM and on Tinfoil). The driver makes up what the dialect lacks: item ids, <see cref="SessionUpdated"/>,
/// <see cref="Committed"/> and <see cref="Cleared"/>; it starts each utterance with a non-final commit on a connection
/// of its own.
/// </summary>
/// <remarks>
/// The next utterance does not wait for the last one's transcript: its connection opens at once while the last one is
/// kept open for its transcript, up to <see cref="RealtimeSessionOptions.MaxConcurrentUtterances"/> utterances at once
/// (only past that bound does a new utterance wait for the oldest transcript). Results still come out in order: an
/// utterance's deltas, transcript and errors are held back until every earlier utterance's transcript is out.
/// </remarks>
internal sealed partial class VllmNativeDriver(RealtimeSessionOptions options) : RealtimeDriver(VllmNativeProtocol.Instance, options)
{
    private const int WireRate = 16000;
    private readonly object _gate = new();

    /// <summary>Utterances not yet finished, in commit order (the one under way last).</summary>
    private readonly List<Utterance> _pending = [];
    private int _utterance;
    private Utterance? _current;
    private bool _connectionSpent;
    private int _generation;
    private RealtimeException? _configurationError;

    public override int WireSampleRate => WireRate;

    public override string? CurrentItemId => _current?.ItemId;

    public override bool ServerNamesItems => false;

    public override void Validate(List<string> problems)
    {
        if (Options.SessionSampleRate is { } rate && rate != WireRate)
        {
            problems.Add("The native dialect takes 16000 Hz only; leave SessionSampleRate unset.");
        }

        if (Options.TurnDetection is { Mode: not RealtimeTurnDetectionMode.Client })
        {
            problems.Add("The native dialect has no server VAD; use client-side turn detection (RealtimeTurnDetection.OnClient) or leave TurnDetection unset.");
        }
    }

    public override string? ItemIdOf(int generation)
    {
        lock (_gate)
        {
            return _pending.Find(u => u.Generation == generation)?.ItemId ?? (generation == _generation ? _current?.ItemId : null);
        }
    }

    public override Task OpenAsync(CancellationToken cancellationToken) =>
        ConnectAndConfigureAsync(first: true, keepPrevious: false, cancellationToken);

    public override async ValueTask SendAudioAsync(ReadOnlyMemory<byte> wirePcm16, CancellationToken cancellationToken)
    {
        ThrowIfMisconfigured();
        if (_current is not { Open: true })
        {
            await StartTurnAsync(cancellationToken).ConfigureAwait(false);
        }

        await Channel.SendAsync(ClientCommand.Append, wirePcm16, cancellationToken).ConfigureAwait(false);
        _current!.Bytes += wirePcm16.Length;
    }

    public override async Task<Committed> CommitAsync(CancellationToken cancellationToken)
    {
        ThrowIfMisconfigured();
        if (_current is not { Open: true, Bytes: > 0 } utterance)
        {
            var error = RealtimeProtocol.EmptyCommitError();
            Channel.Publish(error);
            throw new RealtimeException(error.Message, error);
        }

        // Published before the send: the server's deltas and done for this item may arrive before the send returns.
        var committed = new Committed(utterance.ItemId, null, default);
        Channel.Publish(committed);
        lock (_gate)
        {
            utterance.Open = false;
            utterance.Committed = true;
        }

        _connectionSpent = true;
        await Channel.SendAsync(ClientCommand.Commit, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        return committed;
    }

    public override Task<Cleared> ClearAsync(CancellationToken cancellationToken)
    {
        Channel.Held?.DiscardOpen();
        // The dialect has no clear: the utterance's connection is given up, and the next audio opens a new one.
        if (_current is { Open: true } open)
        {
            _connectionSpent = true;
            lock (_gate)
            {
                open.Open = false;
                Finish(open, null);
            }
        }

        var cleared = new Cleared(default);
        Channel.Publish(cleared);
        return Task.FromResult(cleared);
    }

    public override RealtimeEvent? OnServerEvent(RealtimeEvent evt, int generation)
    {
        if (evt is SessionCreated)
        {
            return generation == 1 ? evt : null;
        }

        lock (_gate)
        {
            var utterance = _pending.Find(u => u.Generation == generation);
            if (utterance is null)
            {
                // Nothing under way on it: a configuration error of the current connection, or a stale one's leftovers.
                if (generation != Channel.Generation)
                {
                    return null;
                }

                if (evt is ServerError error)
                {
                    OnConfigurationError(error);
                }

                return evt;
            }

            switch (evt)
            {
                case TranscriptCompleted completed:
                    utterance.Done = completed;
                    break;
                case ServerError error when utterance.Committed || Codec.IsConfigurationError(error):
                    utterance.Failure = Failure(error);
                    break;
            }

            utterance.Events.Add(evt);
            PublishReady();
            return null;
        }
    }

    /// <summary>
    /// The dialect names nothing and holds one utterance per connection: the utterance under way (or the last one
    /// committed, still waiting for its transcript) is started again on the new connection under the same item id.
    /// </summary>
    public override async Task ReconnectAsync(Continuity.ReplayPlan plan, CancellationToken cancellationToken)
    {
        var current = _current;
        var onLost = current is not null && current.Generation == Channel.Generation && current.Done is null && current.Failure is null
            && (current.Open || current.Committed);
        await ConnectAndConfigureAsync(first: false, keepPrevious: false, cancellationToken).ConfigureAwait(false);
        var utterance = plan.Utterances.Count == 0 ? null : plan.Utterances[^1];
        if (!onLost || utterance is null || (utterance.ItemId is { } id && id != current!.ItemId))
        {
            if (current is { Open: true })
            {
                current.Open = false;
                lock (_gate)
                {
                    Finish(current, null);
                }
            }

            return;
        }

        lock (_gate)
        {
            current!.Generation = Channel.Generation;
            current.Events.Clear();
        }

        await Channel.SendAsync(ClientCommand.StartTurn, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        foreach (var chunk in utterance.Chunks)
        {
            await Channel.SendAsync(ClientCommand.Append, chunk, cancellationToken).ConfigureAwait(false);
        }

        current.Bytes = utterance.Bytes;
        if (utterance.Committed)
        {
            _connectionSpent = true;
            await Channel.SendAsync(ClientCommand.Commit, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask OnClosingAsync()
    {
        if (_current is { Open: true } open)
        {
            open.Open = false;
            open.Committed = true;
            await Channel.SendAsync(ClientCommand.Commit, ReadOnlyMemory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public override void OnConnectionLost(int generation, string reason)
    {
        lock (_gate)
        {
            var utterance = _pending.Find(u => u.Generation == generation);
            if (utterance is null || utterance.Done is not null || utterance.Failure is not null)
            {
                return;
            }

            var failed = new TranscriptFailed(utterance.ItemId, "connection_error", "connection_lost",
                "The utterance's connection ended before its transcript: " + reason, default);
            utterance.Failure = new RealtimeException($"Transcription of {utterance.ItemId} failed (connection_lost): {failed.Message}");
            utterance.Events.Add(failed);
            PublishReady();
        }
    }

    public override void OnClosed(RealtimeException exception)
    {
        lock (_gate)
        {
            foreach (var utterance in _pending)
            {
                utterance.Finished.TrySetException(exception);
            }

            _pending.Clear();
        }
    }
}
