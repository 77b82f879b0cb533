using AudioSdk.Realtime.Protocol;

namespace AudioSdk.Realtime.Drivers;

/// <summary>
/// OpenAI's transcription dialect (OpenAI, Tinfoil's <c>intent=transcription</c>): one connection, the server
/// acknowledges configuration, commits and clears, and names the items.
/// </summary>
internal class OpenAITranscriptionDriver(RealtimeSessionOptions options, RealtimeProtocol? codec = null) : RealtimeDriver(codec
    ?? OpenAITranscriptionProtocol.Instance, options)
{
    public override int WireSampleRate => Options.SessionSampleRate ?? OpenAITranscriptionProtocol.DefaultRate;

    public override void Validate(List<string> problems) => OpenAITranscriptionProtocol.Validate(Options, problems);

    public override async Task OpenAsync(CancellationToken cancellationToken)
    {
        await Channel.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await Channel.WaitForSessionCreatedAsync(cancellationToken).ConfigureAwait(false);
        await Channel.SendForReplyAsync<SessionUpdated>(ClientCommand.Configure, Options.ConnectTimeout,
            OpenAITranscriptionProtocol.ConfigurationReplyName, cancellationToken).ConfigureAwait(false);
    }

    public override async Task ReconnectAsync(Continuity.ReplayPlan plan, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ReplayAudioAsync(plan, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The held audio again, utterance by utterance, with the commits that had been made.</summary>
    protected async Task ReplayAudioAsync(Continuity.ReplayPlan plan, CancellationToken cancellationToken)
    {
        foreach (var utterance in plan.Utterances)
        {
            foreach (var chunk in utterance.Chunks)
            {
                await Channel.SendAsync(ClientCommand.Append, chunk, cancellationToken).ConfigureAwait(false);
            }

            if (utterance.Committed)
            {
                // Its confirmation completes the caller's commit if that was still waiting; otherwise it is not shown twice.
                await Channel.SendAsync(ClientCommand.Commit, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override ValueTask SendAudioAsync(ReadOnlyMemory<byte> wirePcm16, CancellationToken cancellationToken) =>
        Channel.SendAsync(ClientCommand.Append, wirePcm16, cancellationToken);

    public override Task<Committed> CommitAsync(CancellationToken cancellationToken) =>
        Channel.SendForReplyAsync<Committed>(ClientCommand.Commit, Options.ResponseTimeout, "the commit", cancellationToken);

    public override Task<Cleared> ClearAsync(CancellationToken cancellationToken) =>
        Channel.SendForReplyAsync<Cleared>(ClientCommand.Clear, Options.ResponseTimeout, "the clear", cancellationToken);

    public override RealtimeEvent? OnServerEvent(RealtimeEvent evt, int generation)
    {
        switch (evt)
        {
            case SessionCreated or SessionUpdated when Channel.InOutage:
                // A reconnect's handshake: Reconnected tells the story.
                Channel.Replies.TryComplete(evt);
                return null;
            case SessionUpdated or Committed or Cleared:
                Channel.Replies.TryComplete(evt);
                break;
            case TranscriptCompleted completed:
                Channel.Transcripts.Complete(completed);
                break;
            case TranscriptFailed { ItemId: { } item } failed:
                Channel.Transcripts.Fail(item, new RealtimeException($"Transcription of {item} failed ({failed.Code}): {failed.Message}"));
                break;
            case ServerError error:
                Channel.Replies.TryFail(error.ClientEventId, ErrorException(error));
                break;
        }

        return evt;
    }
}
