// IRealtimeClientSession and its messages are experimental in Microsoft.Extensions.AI 11.0 (MEAI001).
#pragma warning disable MEAI001

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using SdkRealtime = AudioSdk.Realtime;

namespace AudioSdk.Extensions.AI;

/// <summary>
/// An <see cref="IRealtimeClientSession"/> over a <see cref="SdkRealtime.RealtimeSession"/> (from
/// <see cref="AudioRealtimeClient"/>): reconnect, client-side turns and TLS pinning work as in the wrapped session,
/// which <see cref="Session"/> and <see cref="GetService"/> expose.
/// </summary>
/// <remarks>
/// <para>
/// Client messages, in every dialect: <see cref="InputAudioBufferAppendRealtimeClientMessage"/> (a
/// <see cref="DataContent"/> of <c>audio/pcm</c>, PCM16 mono at the session's input rate) and
/// <see cref="InputAudioBufferCommitRealtimeClientMessage"/>. In the conversation dialect also
/// <see cref="CreateConversationItemRealtimeClientMessage"/> (a user or system <see cref="TextContent"/>, or a
/// <see cref="FunctionResultContent"/>, whose result is sent as is when a string or a JSON string, and as JSON
/// otherwise) and
/// <see cref="CreateResponseRealtimeClientMessage"/> (instructions, voice, modalities, tools, tool mode, token limit,
/// out of band; after a function result it first waits for the calling response to end, as
/// <see cref="SdkRealtime.RealtimeSession.AnswerFunctionCallAsync"/> does). Everything else is refused with a
/// <see cref="NotSupportedException"/> that names the message: <see cref="SessionUpdateRealtimeClientMessage"/>
/// (options are fixed when the session opens), items with audio or images, response items, and conversation messages in
/// the transcription dialects.
/// </para>
/// <para>
/// Server messages: transcripts of the input as <see cref="InputAudioTranscriptionRealtimeServerMessage"/> (all
/// dialects; the item ids are the wrapped session's, stable across reconnects); in the conversation dialect output text,
/// audio (Base64 PCM16 at 24 kHz) and transcripts as <see cref="OutputTextAudioRealtimeServerMessage"/>, responses as
/// <see cref="ResponseCreatedRealtimeServerMessage"/>, output and conversation items (function calls as
/// <see cref="FunctionCallContent"/>) as <see cref="ResponseOutputItemRealtimeServerMessage"/>, and errors as
/// <see cref="ErrorRealtimeServerMessage"/>. Every other event (session, speech started and stopped, commits,
/// <see cref="SdkRealtime.Reconnecting"/>, <see cref="SdkRealtime.Reconnected"/>, <see cref="SdkRealtime.Closed"/>,
/// rate limits, unknown messages) arrives as a plain <see cref="RealtimeServerMessage"/> whose
/// <see cref="RealtimeServerMessage.Type"/> is the event type and whose
/// <see cref="RealtimeServerMessage.RawRepresentation"/> is the SDK's <see cref="SdkRealtime.RealtimeEvent"/>:
/// nothing is dropped.
/// </para>
/// </remarks>
public sealed class AudioRealtimeClientSession : IRealtimeClientSession
{
    private readonly ConcurrentDictionary<string, string> _callResponses = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _answeredResponses = new();

    internal AudioRealtimeClientSession(SdkRealtime.RealtimeSession session, RealtimeSessionOptions options)
    {
        Session = session;
        Options = options;
    }

    /// <summary>The wrapped session: its waits, reconnect events and dialect-specific calls.</summary>
    public SdkRealtime.RealtimeSession Session { get; }

    /// <inheritdoc />
    public RealtimeSessionOptions? Options { get; }

    private bool IsConversation => Session.Dialect == SdkRealtime.RealtimeDialect.OpenAIConversation;

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The message (or its content) has no counterpart in this dialect.</exception>
    public async Task SendAsync(RealtimeClientMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message)
        {
            case InputAudioBufferAppendRealtimeClientMessage append:
                if (append.Content.MediaType is not { } mediaType || !mediaType.StartsWith("audio/pcm", StringComparison.OrdinalIgnoreCase))
                {
                    throw new NotSupportedException($"InputAudioBufferAppend: only audio/pcm (PCM16 mono) is supported, not {append.Content.MediaType}.");
                }

                await Session.SendAudioAsync(append.Content.Data, cancellationToken).ConfigureAwait(false);
                break;
            case InputAudioBufferCommitRealtimeClientMessage:
                await Session.CommitAsync(cancellationToken).ConfigureAwait(false);
                break;
            case CreateConversationItemRealtimeClientMessage create:
                RequireConversation(message);
                await SendItemAsync(create.Item, cancellationToken).ConfigureAwait(false);
                break;
            case CreateResponseRealtimeClientMessage response:
                RequireConversation(message);
                await CreateResponseAsync(response, cancellationToken).ConfigureAwait(false);
                break;
            case SessionUpdateRealtimeClientMessage:
                throw new NotSupportedException("SessionUpdate is not supported: the options are fixed when the session opens; open a new session instead.");
            default:
                throw new NotSupportedException($"{message.GetType().Name} is not supported by this session.");
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<RealtimeServerMessage> GetStreamingResponseAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var e in Session.ReadEventsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (e is SdkRealtime.OutputItemDone { Item: { Type: "function_call", CallId: { } callId }, ResponseId: { } responseId })
            {
                _callResponses[callId] = responseId;
            }

            yield return RealtimeMessageMapper.ToMessage(e);
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(Session) ? Session
            : null;
    }

    /// <summary>Closes the wrapped session.</summary>
    public ValueTask DisposeAsync() => Session.DisposeAsync();

    private void RequireConversation(RealtimeClientMessage message)
    {
        if (!IsConversation)
        {
            throw new NotSupportedException($"{message.GetType().Name} belongs to conversation sessions; this session transcribes only ({Session.Dialect}).");
        }
    }

    private async Task SendItemAsync(RealtimeConversationItem item, CancellationToken cancellationToken)
    {
        foreach (var content in item.Contents)
        {
            switch (content)
            {
                case FunctionResultContent result:
                    await Session.SendFunctionOutputAsync(result.CallId, Output(result.Result), cancellationToken).ConfigureAwait(false);
                    if (_callResponses.TryRemove(result.CallId, out var responseId))
                    {
                        _answeredResponses.Enqueue(responseId);
                    }

                    break;
                case TextContent text when item.Role is null || item.Role == ChatRole.User:
                    await Session.SendTextAsync(text.Text, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new NotSupportedException($"CreateConversationItem: {content.GetType().Name} with role '{item.Role}' is not supported (user text and function results are).");
            }
        }
    }

    private async Task CreateResponseAsync(CreateResponseRealtimeClientMessage response, CancellationToken cancellationToken)
    {
        if (response.Items is { Count: > 0 })
        {
            throw new NotSupportedException("CreateResponse: input items for the response are not supported; add them with CreateConversationItem first.");
        }

        // A response that called a function must end before the next one starts, or the server refuses it.
        while (_answeredResponses.TryDequeue(out var calling))
        {
            await Session.WaitForResponseAsync(calling, cancellationToken).ConfigureAwait(false);
        }

        await Session.CreateResponseAsync(
            new SdkRealtime.RealtimeResponseOptions
            {
                Instructions = response.Instructions,
                Voice = response.OutputVoice,
                MaxOutputTokens = response.MaxOutputTokens,
                OutputModality = RealtimeOptionsMapper.Modality(response.OutputModalities),
                Tools = response.Tools is { } tools ? RealtimeOptionsMapper.Tools(tools) : null,
                ToolChoice = RealtimeOptionsMapper.ToolChoice(response.ToolMode),
                OutOfBand = response.ExcludeFromConversation ?? false,
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static string Output(object? result) => result switch
    {
        null => string.Empty,
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } text => text.GetString()!,
        JsonElement element => element.GetRawText(),
        _ => JsonSerializer.Serialize(result, AIJsonUtilities.DefaultOptions.GetTypeInfo(result.GetType())),
    };
}
