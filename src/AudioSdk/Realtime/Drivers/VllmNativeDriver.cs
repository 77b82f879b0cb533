using AudioSdk.Realtime.Protocol;

namespace AudioSdk.Realtime.Drivers;

/// <summary>
/// vLLM's native dialect: 16 kHz only, no acknowledgements, no item ids, one utterance per connection (safe on
/// upstream vLLM and on Tinfoil). The driver makes up what the dialect lacks: item ids, <see cref="SessionUpdated"/>,
/// <see cref="Committed"/> and <see cref="Cleared"/>; it starts each utterance with a non-final commit and reconnects
/// for the next one once the last transcript is in.
/// </summary>
internal sealed class VllmNativeDriver(RealtimeSessionOptions options) : RealtimeDriver(VllmNativeProtocol.Instance, options)
{
    private const int WireRate = 16000;
    private readonly object _gate = new();
    private int _utterance;
    private string? _currentItemId;
    private bool _turnOpen;
    private bool _connectionSpent;
    private long _turnBytes;
    private TaskCompletionSource<TranscriptCompleted>? _utteranceDone;
    private RealtimeException? _configurationError;

    public override int WireSampleRate => WireRate;

    public override string? CurrentItemId => _currentItemId;

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

    public override Task OpenAsync(CancellationToken cancellationToken) => ConnectAndConfigureAsync(first: true, cancellationToken);

    public override async ValueTask SendAudioAsync(ReadOnlyMemory<byte> wirePcm16, CancellationToken cancellationToken)
    {
        ThrowIfMisconfigured();
        if (!_turnOpen)
        {
            await StartTurnAsync(cancellationToken).ConfigureAwait(false);
        }

        await Session.SendAsync(ClientCommand.Append, wirePcm16, cancellationToken).ConfigureAwait(false);
        _turnBytes += wirePcm16.Length;
    }

    public override async Task<Committed> CommitAsync(CancellationToken cancellationToken)
    {
        ThrowIfMisconfigured();
        if (!_turnOpen || _turnBytes == 0)
        {
            var error = RealtimeProtocol.EmptyCommitError();
            Session.Publish(error);
            throw new RealtimeException(error.Message, error);
        }

        // Published before the send: the server's deltas and done for this item may arrive before the send returns.
        var committed = new Committed(_currentItemId!, null, default);
        Session.Publish(committed);
        _turnOpen = false;
        _connectionSpent = true;
        _turnBytes = 0;
        await Session.SendAsync(ClientCommand.Commit, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        return committed;
    }

    public override Task<Cleared> ClearAsync(CancellationToken cancellationToken)
    {
        Session.Held?.DiscardOpen();
        // The dialect has no clear: the utterance's connection is given up, and the next audio opens a new one.
        if (_turnOpen)
        {
            _turnOpen = false;
            _connectionSpent = true;
            _turnBytes = 0;
            _utteranceDone?.TrySetCanceled(CancellationToken.None);
            _utteranceDone = null;
        }

        var cleared = new Cleared(default);
        Session.Publish(cleared);
        return Task.FromResult(cleared);
    }

    public override RealtimeEvent? OnServerEvent(RealtimeEvent evt, int generation)
    {
        var current = generation == Session.Generation;
        switch (evt)
        {
            case SessionCreated:
                return generation == 1 ? evt : null;
            case TranscriptCompleted completed when current:
                Session.Transcripts.Complete(completed);
                _utteranceDone?.TrySetResult(completed);
                break;
            case ServerError error when current:
                OnError(error);
                break;
        }

        return current ? evt : null;
    }

    /// <summary>
    /// The dialect names nothing and holds one utterance per connection: the utterance under way (or the last one
    /// committed, still waiting for its transcript) is started again on the new connection under the same item id.
    /// </summary>
    public override async Task ReconnectAsync(Continuity.ReplayPlan plan, CancellationToken cancellationToken)
    {
        await ConnectAndConfigureAsync(first: false, cancellationToken).ConfigureAwait(false);
        var utterance = plan.Utterances.Count == 0 ? null : plan.Utterances[^1];
        if (utterance is null || _currentItemId is null)
        {
            _turnOpen = false;
            return;
        }

        await Session.SendAsync(ClientCommand.StartTurn, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        foreach (var chunk in utterance.Chunks)
        {
            await Session.SendAsync(ClientCommand.Append, chunk, cancellationToken).ConfigureAwait(false);
        }

        _turnBytes = utterance.Bytes;
        _turnOpen = !utterance.Committed;
        if (utterance.Committed)
        {
            _connectionSpent = true;
            await Session.SendAsync(ClientCommand.Commit, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask OnClosingAsync()
    {
        if (_turnOpen)
        {
            _turnOpen = false;
            await Session.SendAsync(ClientCommand.Commit, ReadOnlyMemory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public override void OnClosed(RealtimeException exception) => _utteranceDone?.TrySetException(exception);

    private void OnError(ServerError error)
    {
        var exception = ErrorException(error);
        lock (_gate)
        {
            if (Codec.IsConfigurationError(error))
            {
                _configurationError ??= exception;
            }

            // The dialect has no event ids: after a refused configuration, what follows is its consequence.
            exception = _configurationError ?? exception;
        }

        if ((_connectionSpent || _configurationError is not null) && _currentItemId is { } item)
        {
            Session.Transcripts.Fail(item, exception);
            _utteranceDone?.TrySetException(exception);
        }
    }

    private void ThrowIfMisconfigured()
    {
        if (_configurationError is { } error)
        {
            throw new RealtimeException(error.Message, error.Error, error);
        }
    }

    private async Task ConnectAndConfigureAsync(bool first, CancellationToken cancellationToken)
    {
        await Session.ConnectAsync(cancellationToken).ConfigureAwait(false);
        _connectionSpent = false;
        await Session.WaitForSessionCreatedAsync(cancellationToken).ConfigureAwait(false);
        await Session.SendAsync(ClientCommand.Configure, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        if (first)
        {
            Session.Publish(RealtimeProtocol.SynthesizedSessionUpdated());
        }
    }

    /// <summary>Before the first audio of an utterance: a fresh connection if the last one is spent, then the start commit.</summary>
    private async Task StartTurnAsync(CancellationToken cancellationToken)
    {
        if (_connectionSpent)
        {
            if (_utteranceDone is { } previous)
            {
                try
                {
                    await Session.WaitAsync(previous.Task, Options.ResponseTimeout, "the previous utterance's transcript", cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RealtimeException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    // That utterance's waiters have their outcome; this one starts regardless, and it is not replayed.
                    if (_currentItemId is { } previousItem)
                    {
                        Session.Held?.Abandon(previousItem);
                    }
                }
            }

            await ConnectAndConfigureAsync(first: false, cancellationToken).ConfigureAwait(false);
        }

        _currentItemId = VllmNativeProtocol.ItemId(++_utterance);
        _utteranceDone = new TaskCompletionSource<TranscriptCompleted>(TaskCreationOptions.RunContinuationsAsynchronously);
        await Session.SendAsync(ClientCommand.StartTurn, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        _turnOpen = true;
    }
}
