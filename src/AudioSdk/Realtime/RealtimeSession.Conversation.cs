using AudioSdk.Realtime.Drivers;
using AudioSdk.Realtime.Protocol;

namespace AudioSdk.Realtime;

/// <summary>The conversation dialect's calls (voice agents): text in, responses on demand, cancellation, truncation, function
/// calls.</summary>
public partial class RealtimeSession
{
    /// <summary>Adds a user text message to the conversation (<c>conversation.item.create</c>); ask for the answer with
    /// <see cref="CreateResponseAsync"/>.</summary>
    /// <param name="text">The message.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <exception cref="InvalidOperationException">The session is not in the conversation dialect.</exception>
    /// <exception cref="RealtimeException">The connection closed.</exception>
    public virtual Task SendTextAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ConversationDriver();
        return _channel.SendAsync(ClientCommand.Conversation, ReadOnlyMemory<byte>.Empty, cancellationToken,
            new UserTextCommand(text)).AsTask();
    }

    /// <summary>
    /// Asks the model to answer (<c>response.create</c>), with overrides for this response only, and waits for
    /// <see cref="ResponseCreated"/>. The output arrives as events; <see cref="WaitForResponseAsync"/> waits for its end.
    /// Push-to-talk sessions call this after each commit; with server VAD the server answers by itself.
    /// </summary>
    /// <param name="options">Overrides for this response.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="ArgumentException">The overrides are invalid (every problem named).</exception>
    /// <exception cref="InvalidOperationException">The session is not in the conversation dialect.</exception>
    /// <exception cref="RealtimeException">The server refused (for example <c>conversation_already_has_active_response</c>) or the
    /// connection closed.</exception>
    /// <exception cref="AudioTransportException">A timeout (<see cref="AudioTransportException.IsTimeout"/>): no answer within
    /// <see cref="RealtimeSessionOptions.ResponseTimeout"/>.</exception>
    public virtual Task<ResponseCreated> CreateResponseAsync(RealtimeResponseOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options?.Validate();
        ConversationDriver();
        return _channel.SendForReplyAsync<ResponseCreated>(ClientCommand.Conversation, _options.ResponseTimeout,
            "the response (response.created)", cancellationToken, new CreateResponseCommand(options));
    }

    /// <summary>
    /// Cancels a response (<c>response.cancel</c>): the one under way in the conversation, or <paramref name="responseId"/>
    /// (out-of-band responses need it). Its <see cref="ResponseDone"/> follows with status <c>cancelled</c>; with nothing
    /// to cancel the server answers with an <see cref="ServerError"/> (<c>response_cancel_not_active</c>) and the session goes on.
    /// </summary>
    /// <param name="responseId">The response, or <see langword="null"/> for the conversation's.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <exception cref="InvalidOperationException">The session is not in the conversation dialect.</exception>
    /// <exception cref="RealtimeException">The connection closed.</exception>
    public virtual Task CancelResponseAsync(string? responseId = null, CancellationToken cancellationToken = default)
    {
        ConversationDriver();
        return _channel.SendAsync(ClientCommand.Conversation, ReadOnlyMemory<byte>.Empty, cancellationToken,
            new CancelResponseCommand(responseId)).AsTask();
    }

    /// <summary>Waits for a response to end (including one that already ended), whatever its status.</summary>
    /// <param name="responseId">The response id, from <see cref="ResponseCreated"/> or any output event.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="InvalidOperationException">The session is not in the conversation dialect.</exception>
    /// <exception cref="RealtimeException">The connection closed.</exception>
    /// <exception cref="AudioTransportException">A timeout (<see cref="AudioTransportException.IsTimeout"/>): it did not end within
    /// <see cref="RealtimeSessionOptions.ResponseTimeout"/>.</exception>
    public virtual Task<ResponseDone> WaitForResponseAsync(string responseId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(responseId);
        return _channel.WaitAsync(ConversationDriver().Responses.WaitAsync(responseId), _options.ResponseTimeout,
            "the end of the response", cancellationToken);
    }

    /// <summary>How much audio an assistant item has delivered so far (PCM16 at 24 kHz).</summary>
    /// <param name="itemId">The assistant item, from <see cref="OutputAudioDelta.ItemId"/>.</param>
    /// <exception cref="InvalidOperationException">The session is not in the conversation dialect.</exception>
    public virtual TimeSpan OutputAudioReceived(string itemId)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        return ConversationDriver().AudioOf(itemId).Received;
    }

    /// <summary>
    /// Barge-in done right: cuts an assistant item's audio where your playback stopped (<c>conversation.item.truncate</c>),
    /// so the model remembers only what the user heard. <paramref name="played"/> is capped at the audio received for
    /// the item; when the item's audio had all arrived and all played, nothing is sent and the result is <see langword="null"/>.
    /// With server VAD and <c>interrupt_response</c> the server has cancelled the response already; otherwise call
    /// <see cref="CancelResponseAsync"/> first.
    /// </summary>
    /// <param name="itemId">The assistant item that was playing.</param>
    /// <param name="played">How much of its audio was actually played.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The server's confirmation, or <see langword="null"/> when there was nothing to cut.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="played"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The session is not in the conversation dialect.</exception>
    /// <exception cref="RealtimeException">The server refused or the connection closed.</exception>
    /// <exception cref="AudioTransportException">A timeout (<see cref="AudioTransportException.IsTimeout"/>): no answer within
    /// <see cref="RealtimeSessionOptions.ResponseTimeout"/>.</exception>
    public virtual async Task<ConversationItemTruncated?> TruncateAsync(string itemId, TimeSpan played,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        ArgumentOutOfRangeException.ThrowIfLessThan(played, TimeSpan.Zero);
        var (received, done) = ConversationDriver().AudioOf(itemId);
        if (done && played >= received)
        {
            return null;
        }

        var endMs = (int)Math.Min(Math.Floor(played.TotalMilliseconds), Math.Floor(received.TotalMilliseconds));
        return await _channel.SendForReplyAsync<ConversationItemTruncated>(ClientCommand.Conversation, _options.ResponseTimeout,
            "the truncation", cancellationToken, new TruncateCommand(itemId, 0, endMs)).ConfigureAwait(false);
    }

    /// <summary>Removes an item from the conversation (<c>conversation.item.delete</c>) and waits for the confirmation.</summary>
    /// <param name="itemId">The item.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="InvalidOperationException">The session is not in the conversation dialect.</exception>
    /// <exception cref="RealtimeException">The server refused (an unknown id) or the connection closed.</exception>
    /// <exception cref="AudioTransportException">A timeout (<see cref="AudioTransportException.IsTimeout"/>): no answer within
    /// <see cref="RealtimeSessionOptions.ResponseTimeout"/>.</exception>
    public virtual Task<ConversationItemDeleted> DeleteItemAsync(string itemId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        ConversationDriver();
        return _channel.SendForReplyAsync<ConversationItemDeleted>(ClientCommand.Conversation, _options.ResponseTimeout, "the deletion",
            cancellationToken, new DeleteItemCommand(itemId));
    }

    /// <summary>Answers a function call with its output (a <c>function_call_output</c> item); ask for the next answer with
    /// <see cref="CreateResponseAsync"/>.</summary>
    /// <param name="callId">The call id, from <see cref="FunctionCallArgumentsDone.CallId"/>.</param>
    /// <param name="output">The tool's output (usually JSON).</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <exception cref="InvalidOperationException">The session is not in the conversation dialect.</exception>
    /// <exception cref="RealtimeException">The connection closed.</exception>
    public virtual Task SendFunctionOutputAsync(string callId, string output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callId);
        ArgumentNullException.ThrowIfNull(output);
        ConversationDriver();
        return _channel.SendAsync(ClientCommand.Conversation, ReadOnlyMemory<byte>.Empty, cancellationToken,
            new FunctionOutputCommand(callId, output)).AsTask();
    }

    /// <summary>
    /// The function-calling round trip in one call: runs <paramref name="tool"/> on the call, sends its output back,
    /// waits for the calling response to end (a new response before it would be refused), and asks for the next answer.
    /// An exception from the tool passes through and nothing is sent.
    /// </summary>
    /// <param name="call">The completed call.</param>
    /// <param name="tool">Your function: gets the call (name and JSON arguments), returns the output.</param>
    /// <param name="cancellationToken">Cancels the tool and the waits.</param>
    /// <returns>The next response, started.</returns>
    /// <exception cref="InvalidOperationException">The session is not in the conversation dialect.</exception>
    /// <exception cref="RealtimeException">The server refused or the connection closed.</exception>
    /// <exception cref="AudioTransportException">A timeout (<see cref="AudioTransportException.IsTimeout"/>): no answer within
    /// <see cref="RealtimeSessionOptions.ResponseTimeout"/>.</exception>
    public virtual async Task<ResponseCreated> AnswerFunctionCallAsync(FunctionCallArgumentsDone call, Func<FunctionCallArgumentsDone,
        CancellationToken, ValueTask<string>> tool, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(tool);
        if (call.CallId is not { } callId)
        {
            throw new ArgumentException("The call has no call id.", nameof(call));
        }

        ConversationDriver();
        var output = await tool(call, cancellationToken).ConfigureAwait(false);
        await SendFunctionOutputAsync(callId, output ?? string.Empty, cancellationToken).ConfigureAwait(false);
        if (call.ResponseId is { } responseId)
        {
            await WaitForResponseAsync(responseId, cancellationToken).ConfigureAwait(false);
        }

        return await CreateResponseAsync(null, cancellationToken).ConfigureAwait(false);
    }

    private OpenAIConversationDriver ConversationDriver()
    {
        var driver = _driver as OpenAIConversationDriver

                ?? throw new InvalidOperationException("This call belongs to the conversation dialect (RealtimeDialect.OpenAIConversation); this session speaks " + Dialect + ".");
        ThrowIfUnusable();
        return driver;
    }
}
