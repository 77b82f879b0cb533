using AudioSdk.Realtime.Protocol;

namespace AudioSdk.Realtime.Drivers;

internal sealed partial class VllmNativeDriver
{
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
                await Channel.WaitAsync(oldest.Finished.Task.ContinueWith(static _ => true, CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default), Options.ResponseTimeout,
                    "the oldest utterance's transcript", cancellationToken).ConfigureAwait(false);
            }
            catch (AudioTransportException ex) when (ex.IsTimeout)
            {
                // That utterance's waiters get the timeout; this one starts regardless, and that one is not replayed.
                Channel.Held?.Abandon(oldest.ItemId);
                lock (_gate)
                {
                    Finish(oldest,
                        new RealtimeException($"Transcription of {oldest.ItemId} failed: no transcript within {Options.ResponseTimeout}.",
                        null, ex));
                }
            }
        }
    }
}
