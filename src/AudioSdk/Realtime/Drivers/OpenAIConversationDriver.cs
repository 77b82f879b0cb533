using AudioSdk.Realtime.Protocol;

namespace AudioSdk.Realtime.Drivers;

/// <summary>
/// OpenAI's conversational dialect (voice agents): one connection, 24 kHz PCM both ways, the server names the items
/// and acknowledges configuration, commits, clears, truncations and deletions. The driver keeps what calls wait on:
/// finished responses by id, and how much audio each assistant item has delivered (to cap a truncation); with
/// reconnecting on, the conversation so far (<see cref="Continuity.ConversationHistory"/>), to seed a new connection.
/// </summary>
internal sealed class OpenAIConversationDriver(RealtimeSessionOptions options) : OpenAITranscriptionDriver(options,
    OpenAIConversationProtocol.Instance)
{
    private const int ItemsKept = 64;
    private readonly object _gate = new();
    private readonly Dictionary<string, OutputAudio> _audio = new(StringComparer.Ordinal);
    private readonly Queue<string> _audioOrder = new();
    private readonly Continuity.ConversationHistory _history = new();
    private readonly HashSet<string> _active = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seeded = new(StringComparer.Ordinal);
    private readonly HashSet<string> _added = new(StringComparer.Ordinal);
    private readonly Queue<string> _addedOrder = new();

    public override int WireSampleRate =>
        Conversation.InputAudioFormat == RealtimeAudioEncoding.Pcm16 ? OpenAIConversationProtocol.Rate : Audio.G711.SampleRate;

    public override Audio.G711Law? WireLaw => Conversation.InputAudioFormat.Law();

    private RealtimeConversationOptions Conversation => Options.Conversation ?? DefaultConversation;

    private static readonly RealtimeConversationOptions DefaultConversation = new();

    /// <summary>Finished responses by id.</summary>
    public KeyedWaiters<ResponseDone> Responses { get; } = new(static r => r.ResponseId);

    public override void Validate(List<string> problems)
    {
        if (Options.SessionSampleRate is { } rate && rate != OpenAIConversationProtocol.Rate)
        {
            problems.Add("The conversation dialect takes 24000 Hz PCM or 8000 Hz G.711 (Conversation.InputAudioFormat); leave SessionSampleRate unset.");
        }

        if (Options.TurnDetection is { Mode: RealtimeTurnDetectionMode.Client })
        {
            problems.Add("The conversation dialect takes server-side turn detection (server or semantic VAD) or push-to-talk; client-side turns are for the transcription dialects.");
        }
    }

    public override void OnSending(ConversationCommand command)
    {
        switch (command)
        {
            case UserTextCommand text:
                _history.Sent("message", "user", text.Text, null);
                break;
            case FunctionOutputCommand output:
                _history.Sent("function_call_output", null, output.Output, output.CallId);
                break;
        }
    }

    /// <summary>
    /// A new socket is a new conversation, so it is seeded: the same configuration, then the conversation so far as
    /// items (under the ids the caller knows; their echoes are not shown again), then the audio of the turn under way.
    /// A response the drop cut off ends at once with a <see cref="ResponseDone"/> of status <c>cancelled</c> and reason
    /// <c>connection_lost</c> (its partial output is not kept); it is asked for again when
    /// <see cref="RealtimeReconnectOptions.RestartInterruptedResponse"/> is set, or when a
    /// <see cref="RealtimeSession.CreateResponseAsync"/>
    /// was still waiting for its <see cref="ResponseCreated"/>.
    /// </summary>
    public override async Task ReconnectAsync(Continuity.ReplayPlan plan, CancellationToken cancellationToken)
    {
        string[] cut;
        lock (_gate)
        {
            cut = [.. _active];
            _active.Clear();
        }

        foreach (var responseId in cut)
        {
            var done = new ResponseDone(responseId, "cancelled", "connection_lost", [], null, default);
            Channel.Publish(done);
            Responses.Complete(done);
        }

        var restart = (cut.Length > 0 && Options.Reconnect is { RestartInterruptedResponse: true })
            || Channel.Replies.Awaits(typeof(ResponseCreated));
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var item in _history.Snapshot())
        {
            if (item.Id is { } id)
            {
                lock (_gate)
                {
                    _seeded.Add(id);
                }
            }

            await Channel.SendAsync(ClientCommand.Conversation, ReadOnlyMemory<byte>.Empty, cancellationToken,
                new SeedItemCommand(item)).ConfigureAwait(false);
        }

        await ReplayAudioAsync(plan, cancellationToken).ConfigureAwait(false);
        if (restart)
        {
            await Channel.SendAsync(ClientCommand.Conversation, ReadOnlyMemory<byte>.Empty, cancellationToken,
                new CreateResponseCommand(null)).ConfigureAwait(false);
        }
    }

    /// <summary>The audio an assistant item has delivered so far, and whether it is complete.</summary>
    public (TimeSpan Received, bool Done) AudioOf(string itemId)
    {
        lock (_gate)
        {
            return _audio.TryGetValue(itemId, out var audio) ? (OutputAudioDelta.DurationOf(audio.Bytes, Conversation.OutputAudioFormat),
                audio.Done) : (TimeSpan.Zero, false);
        }
    }

    public override RealtimeEvent? OnServerEvent(RealtimeEvent evt, int generation)
    {
        switch (evt)
        {
            case OutputAudioDelta { ItemId: { } item } delta:
                delta.Format = Conversation.OutputAudioFormat;
                lock (_gate)
                {
                    Track(item).Bytes += delta.Audio.Length;
                }

                break;
            case OutputAudioDone { ItemId: { } item }:
                lock (_gate)
                {
                    Track(item).Done = true;
                }

                break;
            case ConversationItemAdded { Item.Id: { } id } when Seeded(id, done: false):
                return null;
            case ConversationItemDone { Item.Id: { } id } when Seeded(id, done: true):
                return null;
            case ConversationItemAdded { Item.Id: { } added } when !FirstAdded(added):
                // vLLM-Omni's /v1/realtime sends conversation.item.added and then the beta conversation.item.created for
                // the same item: the caller is shown it once.
                return null;
            case ConversationItemDone { Item: { } item }:
                _history.Done(item);
                if (item is { Role: "user", Id: { } userItem })
                {
                    // The turn is in the conversation now: a replay carries it as its transcript, not as audio.
                    Channel.Held?.Abandon(userItem);
                }

                break;
            case ConversationItemDeleted { ItemId: { } deleted }:
                _history.Deleted(deleted);
                Channel.Replies.TryComplete(evt);
                break;
            case TranscriptCompleted { ItemId: { } transcribed } completed:
                _history.Transcribed(transcribed, completed.Transcript);
                return base.OnServerEvent(evt, generation);
            case ResponseCreated { ResponseId: { } created }:
                lock (_gate)
                {
                    _active.Add(created);
                }

                Channel.Replies.TryComplete(evt);
                break;
            case ResponseCreated or ConversationItemTruncated or ConversationItemDeleted:
                Channel.Replies.TryComplete(evt);
                break;
            case ResponseDone done:
                Responses.Complete(done);
                lock (_gate)
                {
                    if (done.ResponseId is { } ended)
                    {
                        _active.Remove(ended);
                    }

                    // A cut-short response's items deliver nothing more.
                    foreach (var id in done.OutputItemIds)
                    {
                        if (_audio.TryGetValue(id, out var audio))
                        {
                            audio.Done = true;
                        }
                    }
                }

                break;
            default:
                // Configuration, commits, clears, input transcripts and errors: as in the transcription dialect.
                return base.OnServerEvent(evt, generation);
        }

        return evt;
    }

    public override void OnClosed(RealtimeException exception) => Responses.Close(exception);

    /// <summary>Whether this is the first <see cref="ConversationItemAdded"/> for the item (the last <see cref="ItemsKept"/> are
    /// remembered).</summary>
    private bool FirstAdded(string itemId)
    {
        lock (_gate)
        {
            if (!_added.Add(itemId))
            {
                return false;
            }

            _addedOrder.Enqueue(itemId);
            if (_addedOrder.Count > ItemsKept)
            {
                _added.Remove(_addedOrder.Dequeue());
            }

            return true;
        }
    }

    /// <summary>Whether an item event echoes an item seeded after a reconnect (the caller has it already).</summary>
    private bool Seeded(string itemId, bool done)
    {
        lock (_gate)
        {
            return done ? _seeded.Remove(itemId) : _seeded.Contains(itemId);
        }
    }

    private OutputAudio Track(string itemId)
    {
        if (!_audio.TryGetValue(itemId, out var audio))
        {
            audio = new OutputAudio();
            _audio[itemId] = audio;
            _audioOrder.Enqueue(itemId);
            if (_audioOrder.Count > ItemsKept)
            {
                _audio.Remove(_audioOrder.Dequeue());
            }
        }

        return audio;
    }

    private sealed class OutputAudio
    {
        public long Bytes { get; set; }

        public bool Done { get; set; }
    }
}
