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
internal sealed class VllmNativeDriver(RealtimeSessionOptions options) : RealtimeDriver(VllmNativeProtocol.Instance, options)
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

    public override Task OpenAsync(CancellationToken cancellationToken) => ConnectAndConfigureAsync(first: true, keepPrevious: false, cancellationToken);

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
        var onLost = current is not null && current.Generation == Channel.Generation && current.Done is null && current.Failure is null && (current.Open || current.Committed);
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

            var failed = new TranscriptFailed(utterance.ItemId, "connection_error", "connection_lost", "The utterance's connection ended before its transcript: " + reason, default);
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

    /// <summary>Publishes what the oldest utterances hold, in order, finishing each whose outcome is in; stops at the first still waiting.</summary>
    private void PublishReady()
    {
        while (_pending.Count > 0)
        {
            var head = _pending[0];
            foreach (var held in head.Events)
            {
                Channel.Publish(held);
            }

            head.Events.Clear();
            if (head.Done is null && head.Failure is null)
            {
                return;
            }

            Finish(head, head.Failure);
        }
    }

    /// <summary>An utterance is over: its waiters get the outcome, its connection goes if it was kept for it, the next may publish.</summary>
    private void Finish(Utterance utterance, RealtimeException? failure)
    {
        var index = _pending.IndexOf(utterance);
        if (index < 0)
        {
            return;
        }

        foreach (var held in utterance.Events)
        {
            Channel.Publish(held);
        }

        utterance.Events.Clear();
        _pending.RemoveAt(index);
        if (utterance.Done is { } done)
        {
            Channel.Transcripts.Complete(done);
            utterance.Finished.TrySetResult();
        }
        else
        {
            if (failure is not null)
            {
                Channel.Transcripts.Fail(utterance.ItemId, failure);
            }

            utterance.Finished.TrySetResult();
        }

        if (utterance.Generation != Channel.Generation)
        {
            Channel.Release(utterance.Generation);
        }

        if (index == 0)
        {
            PublishReady();
        }
    }

    private void OnConfigurationError(ServerError error)
    {
        if (Codec.IsConfigurationError(error))
        {
            _configurationError ??= ErrorException(error);
        }
    }

    private RealtimeException Failure(ServerError error)
    {
        // The dialect has no event ids: after a refused configuration, what follows is its consequence.
        OnConfigurationError(error);
        return _configurationError ?? ErrorException(error);
    }

    private void ThrowIfMisconfigured()
    {
        if (_configurationError is { } error)
        {
            throw new RealtimeException(error.Message, error.Error, error);
        }
    }

    private async Task ConnectAndConfigureAsync(bool first, bool keepPrevious, CancellationToken cancellationToken)
    {
        _generation = await Channel.ConnectAsync(cancellationToken, keepPrevious).ConfigureAwait(false);
        _connectionSpent = false;
        await Channel.WaitForSessionCreatedAsync(cancellationToken).ConfigureAwait(false);
        await Channel.SendAsync(ClientCommand.Configure, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        if (first)
        {
            Channel.Publish(RealtimeProtocol.SynthesizedSessionUpdated());
        }
    }

    /// <summary>
    /// Before the first audio of an utterance: a fresh connection if the last one is spent (the last one stays open for
    /// its transcript; only past the bound does this wait for the oldest transcript), then the start commit.
    /// </summary>
    private async Task StartTurnAsync(CancellationToken cancellationToken)
    {
        if (_connectionSpent)
        {
            await WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
            bool keep;
            lock (_gate)
            {
                keep = _current is { } last && _pending.Contains(last) && last.Generation == Channel.Generation;
            }

            await ConnectAndConfigureAsync(first: false, keep, cancellationToken).ConfigureAwait(false);
        }

        var utterance = new Utterance(VllmNativeProtocol.ItemId(++_utterance)) { Generation = _generation, Open = true };
        lock (_gate)
        {
            _pending.Add(utterance);
            _current = utterance;
        }

        await Channel.SendAsync(ClientCommand.StartTurn, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits while <see cref="RealtimeSessionOptions.MaxConcurrentUtterances"/> utterances await their transcripts.</summary>
    private async Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Utterance oldest;
            lock (_gate)
            {
                if (_pending.Count < Options.MaxConcurrentUtterances)
                {
                    return;
                }

                oldest = _pending[0];
            }

            try
            {
                await Channel.WaitAsync(oldest.Finished.Task.ContinueWith(static _ => true, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default), Options.ResponseTimeout, "the oldest utterance's transcript", cancellationToken).ConfigureAwait(false);
            }
            catch (AudioTransportException ex) when (ex.IsTimeout)
            {
                // That utterance's waiters get the timeout; this one starts regardless, and that one is not replayed.
                Channel.Held?.Abandon(oldest.ItemId);
                lock (_gate)
                {
                    Finish(oldest, new RealtimeException($"Transcription of {oldest.ItemId} failed: no transcript within {Options.ResponseTimeout}.", null, ex));
                }
            }
        }
    }

    /// <summary>One utterance: its connection, what it owes, and its events held until the earlier ones are out.</summary>
    private sealed class Utterance(string itemId)
    {
        public string ItemId { get; } = itemId;

        public int Generation { get; set; }

        public bool Open { get; set; }

        public bool Committed { get; set; }

        public long Bytes { get; set; }

        public TranscriptCompleted? Done { get; set; }

        public RealtimeException? Failure { get; set; }

        public List<RealtimeEvent> Events { get; } = [];

        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
