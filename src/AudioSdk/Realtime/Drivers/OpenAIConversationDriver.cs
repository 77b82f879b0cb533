using AudioSdk.Realtime.Protocol;

namespace AudioSdk.Realtime.Drivers;

/// <summary>
/// OpenAI's conversational dialect (voice agents): one connection, 24 kHz PCM both ways, the server names the items
/// and acknowledges configuration, commits, clears, truncations and deletions. The driver keeps what calls wait on:
/// finished responses by id, and how much audio each assistant item has delivered (to cap a truncation).
/// </summary>
internal sealed class OpenAIConversationDriver(RealtimeSessionOptions options) : OpenAITranscriptionDriver(options, OpenAIConversationProtocol.Instance)
{
    private const int ItemsKept = 64;
    private readonly object _gate = new();
    private readonly Dictionary<string, OutputAudio> _audio = new(StringComparer.Ordinal);
    private readonly Queue<string> _audioOrder = new();

    public override int WireSampleRate => Conversation.InputAudioFormat == RealtimeAudioEncoding.Pcm16 ? OpenAIConversationProtocol.Rate : Audio.G711.SampleRate;

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

        if (Options.Reconnect is not null)
        {
            problems.Add("The conversation dialect does not reconnect: a new socket is a new conversation; leave Reconnect unset.");
        }
    }

    public override Task ReconnectAsync(Continuity.ReplayPlan plan, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The conversation dialect does not reconnect.");

    /// <summary>The audio an assistant item has delivered so far, and whether it is complete.</summary>
    public (TimeSpan Received, bool Done) AudioOf(string itemId)
    {
        lock (_gate)
        {
            return _audio.TryGetValue(itemId, out var audio) ? (OutputAudioDelta.DurationOf(audio.Bytes, Conversation.OutputAudioFormat), audio.Done) : (TimeSpan.Zero, false);
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
            case ResponseCreated or ConversationItemTruncated or ConversationItemDeleted:
                Session.Replies.TryComplete(evt);
                break;
            case ResponseDone done:
                Responses.Complete(done);
                lock (_gate)
                {
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
