using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using AudioSdk.Speech;
using TranscriptionOptions = AudioSdk.Transcriptions.TranscriptionOptions;
using Microsoft.Extensions.AI;

namespace AudioSdk.Extensions.AI;

/// <summary>
/// A voice agent composed of three calls, overlapped: the user's audio is transcribed, the chat answer is streamed from
/// any <see cref="IChatClient"/>, and each sentence is synthesized as soon as it is complete while the next is still
/// being written, so the first sound comes after the first sentence rather than after the whole answer. Audio is
/// yielded strictly in sentence order. The conversation history is kept for the next turn.
/// </summary>
/// <remarks>
/// Cancelling the token (or leaving the enumeration) stops every stage at once: the chat stream, the speech requests
/// under way and the enumeration (barge-in). A turn that was cut short enters the history with only the sentences
/// whose audio was yielded in full (none: the user's message alone), so the model remembers what the user heard. Failures keep their types:
/// the
/// transcription's and speech's <see cref="AudioServiceException"/>, the chat client's own exceptions.
/// One turn at a time per agent.
/// </remarks>
public sealed class VoiceAgent
{
    private readonly AudioClient _audio;
    private readonly IChatClient _chat;
    private readonly VoiceAgentOptions _options;
    private readonly List<ChatMessage> _history = [];
    private int _busy;

    /// <summary>Creates an agent.</summary>
    /// <param name="audio">The audio client (transcription and speech).</param>
    /// <param name="chat">The chat model.</param>
    /// <param name="options">Models, voice, format and chat options; defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid (every problem named).</exception>
    public VoiceAgent(AudioClient audio, IChatClient chat, VoiceAgentOptions? options = null)
    {
        _audio = audio ?? throw new ArgumentNullException(nameof(audio));
        _chat = chat ?? throw new ArgumentNullException(nameof(chat));
        _options = options ?? new VoiceAgentOptions();
        _options.Validate();
        if (_options.Instructions is { } instructions)
        {
            _history.Add(new ChatMessage(ChatRole.System, instructions));
        }
    }

    /// <summary>The conversation so far (the instructions, then user and assistant messages).</summary>
    public IReadOnlyList<ChatMessage> History => _history;

    /// <summary>The transcript of the last audio turn.</summary>
    public string? LastTranscript { get; private set; }

    /// <summary>One turn from the user's audio: transcribed, answered, spoken sentence by sentence.</summary>
    /// <param name="audio">The user's speech.</param>
    /// <param name="cancellationToken">Stops every stage (barge-in).</param>
    /// <returns>The answer's audio in order, chunk by chunk, each with its sentence.</returns>
    public async IAsyncEnumerable<VoiceAgentChunk> RespondAsync(AudioInput audio,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var heard = await _audio.TranscribeToTextAsync(audio, _options.Transcription, cancellationToken).ConfigureAwait(false);
        LastTranscript = heard.Text;
        await foreach (var chunk in RespondToTextAsync(heard.Text, cancellationToken).ConfigureAwait(false))
        {
            yield return chunk;
        }
    }

    /// <summary>One turn from text (for example a realtime session's final transcript): answered, spoken sentence by sentence.</summary>
    /// <param name="text">What the user said.</param>
    /// <param name="cancellationToken">Stops every stage (barge-in).</param>
    /// <returns>The answer's audio in order, chunk by chunk, each with its sentence.</returns>
    /// <exception cref="InvalidOperationException">Another turn of this agent is under way.</exception>
    public async IAsyncEnumerable<VoiceAgentChunk> RespondToTextAsync(string text,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("A turn of this agent is under way; one turn at a time.");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var messages = new List<ChatMessage>(_history) { new(ChatRole.User, text) };
        var sentences = Channel.CreateBounded<Sentence>(new BoundedChannelOptions(_options.MaxSentencesAhead) { SingleReader = true,
            SingleWriter = true });
        var heard = new List<string>();
        var complete = false;
        var producer = Task.Run(() => ProduceAsync(messages, sentences.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var sentence in sentences.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                var first = true;
                await foreach (var audio in sentence.Audio.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    yield return new VoiceAgentChunk(sentence.Index, sentence.Text, audio, first);
                    first = false;
                }

                await sentence.Done.ConfigureAwait(false);
                heard.Add(sentence.Text);
            }

            await producer.ConfigureAwait(false);
            complete = true;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (Exception) when (!complete)
            {
                // The turn was left or failed; what went wrong has been thrown to the caller already, or was the cancellation.
            }

            _history.Add(new ChatMessage(ChatRole.User, text));
            if (heard.Count > 0)
            {
                _history.Add(new ChatMessage(ChatRole.Assistant, string.Join(" ", heard)));
            }

            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Streams the chat answer, cuts it into sentences, and starts each sentence's speech at once.</summary>
    private async Task ProduceAsync(List<ChatMessage> messages, ChannelWriter<Sentence> sentences, CancellationToken cancellationToken)
    {
        var splitter = new SentenceSplitter(_options.MaxSentenceLength);
        var index = 0;
        try
        {
            await foreach (var update in _chat.GetStreamingResponseAsync(messages, _options.Chat, cancellationToken).ConfigureAwait(false))
            {
                if (update.Text is { Length: > 0 } token)
                {
                    foreach (var text in splitter.Add(token))
                    {
                        await sentences.WriteAsync(Speak(index++, text, cancellationToken), cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            if (splitter.Flush() is { } last)
            {
                await sentences.WriteAsync(Speak(index, last, cancellationToken), cancellationToken).ConfigureAwait(false);
            }

            sentences.TryComplete();
        }
        catch (Exception ex)
        {
            sentences.TryComplete(ex);
            throw;
        }
    }

    /// <summary>A sentence's speech, started now; its audio is buffered until the reader reaches it.</summary>
    private Sentence Speak(int index, string text, CancellationToken cancellationToken)
    {
        var audio = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var done = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var chunk in _audio.StreamSpeechAsync(text, _options.Speech, cancellationToken).ConfigureAwait(false))
                    {
                        audio.Writer.TryWrite(chunk.ToArray());
                    }

                    audio.Writer.TryComplete();
                }
                catch (Exception ex)
                {
                    audio.Writer.TryComplete(ex);
                    throw;
                }
            },
            CancellationToken.None);
        return new Sentence(index, text, audio, done);
    }

    private sealed record Sentence(int Index, string Text, Channel<ReadOnlyMemory<byte>> Audio, Task Done);
}

/// <summary>A piece of the agent's spoken answer.</summary>
/// <param name="SentenceIndex">The sentence's position in the answer, from 0.</param>
/// <param name="Sentence">The sentence's text.</param>
/// <param name="Audio">Audio bytes in <see cref="SpeechOptions.ResponseFormat"/> (raw 24 kHz PCM16 by default).</param>
/// <param name="IsFirstOfSentence">True for the sentence's first chunk (a WAV or Opus sentence starts its own container there).</param>
public sealed record VoiceAgentChunk(int SentenceIndex, string Sentence, ReadOnlyMemory<byte> Audio, bool IsFirstOfSentence);

/// <summary>A <see cref="VoiceAgent"/>'s settings.</summary>
public sealed class VoiceAgentOptions
{
    /// <summary>How the user's audio is transcribed (model required; default <c>gpt-4o-mini-transcribe</c>).</summary>
    public TranscriptionOptions Transcription { get; set; } = new() { Model = "gpt-4o-mini-transcribe" };

    /// <summary>
    /// How each sentence is spoken (model and voice required): PCM (default, raw 24 kHz 16-bit mono for a player), WAV
    /// (each sentence its own file) or Opus for the web.
    /// </summary>
    public SpeechOptions Speech { get; set; } = new() { Model = "gpt-4o-mini-tts", Voice = SpeechVoice.Alloy,
        ResponseFormat = SpeechFormat.Pcm };

    /// <summary>Passed through to the chat client on every turn.</summary>
    public ChatOptions? Chat { get; set; }

    /// <summary>A system message at the start of the history.</summary>
    public string? Instructions { get; set; }

    /// <summary>
    /// The longest piece of the answer sent to speech in one request (default 200 characters, at most
    /// <see cref="SpeechOptions.MaxInputLength"/>): a sentence that reaches it is cut at its last clause break, else at its
    /// last space, else (a script without spaces) at the limit on a grapheme boundary, so speech starts without waiting
    /// for a sentence end that may never come.
    /// </summary>
    public int MaxSentenceLength { get; set; } = 200;

    /// <summary>Sentences synthesized ahead of the one being played (default 3): bounds the speech requests in flight.</summary>
    public int MaxSentencesAhead { get; set; } = 3;

    internal void Validate()
    {
        var problems = new List<string>();
        if (Transcription is null || string.IsNullOrWhiteSpace(Transcription.Model))
        {
            problems.Add("Transcription.Model is required.");
        }

        if (Speech is null || string.IsNullOrWhiteSpace(Speech.Model) || Speech.Voice is null)
        {
            problems.Add("Speech.Model and Speech.Voice are required.");
        }

        if (MaxSentenceLength is < 20 or > SpeechOptions.MaxInputLength)
        {
            problems.Add($"MaxSentenceLength must be between 20 and {SpeechOptions.MaxInputLength}.");
        }

        if (MaxSentencesAhead is < 1 or > 32)
        {
            problems.Add("MaxSentencesAhead must be between 1 and 32.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid VoiceAgentOptions: " + string.Join(" ", problems), "options");
        }
    }
}
