// IRealtimeClient and its messages are experimental in Microsoft.Extensions.AI 11.0 (MEAI001).
#pragma warning disable MEAI001

using Microsoft.Extensions.AI;
using SdkRealtime = AudioSdk.Realtime;

namespace AudioSdk.Extensions.AI;

/// <summary>
/// Microsoft.Extensions.AI's <see cref="IRealtimeClient"/> over <see cref="AudioClient.StartRealtimeSessionAsync"/>:
/// every session wraps a <see cref="SdkRealtime.RealtimeSession"/>, so it keeps the client's key, base address, TLS
/// pinning and the template's reconnect and client-side turn settings.
/// </summary>
/// <remarks>
/// <para>
/// The template (<c>defaults</c>) chooses the dialect and everything Microsoft.Extensions.AI has no word for
/// (<see cref="SdkRealtime.RealtimeSessionOptions.Reconnect"/>, client turns, pacing, timeouts, headers). Per session,
/// <see cref="RealtimeSessionOptions"/> maps as follows: <see cref="RealtimeSessionOptions.SessionKind"/>
/// <see cref="RealtimeSessionKind.Transcription"/> keeps a transcription dialect (or picks
/// <see cref="SdkRealtime.RealtimeDialect.OpenAITranscription"/> over a conversation template), and
/// <see cref="RealtimeSessionKind.Conversation"/> needs <see cref="SdkRealtime.RealtimeDialect.OpenAIConversation"/>
/// (a transcription template gets a <see cref="NotSupportedException"/>); <see cref="RealtimeSessionOptions.Model"/>,
/// <see cref="RealtimeSessionOptions.Instructions"/>, <see cref="RealtimeSessionOptions.Voice"/>,
/// <see cref="RealtimeSessionOptions.MaxOutputTokens"/>, <see cref="RealtimeSessionOptions.OutputModalities"/>
/// (<c>text</c> or <c>audio</c>), <see cref="RealtimeSessionOptions.Tools"/> (function declarations only),
/// <see cref="RealtimeSessionOptions.ToolMode"/>, <see cref="RealtimeSessionOptions.VoiceActivityDetection"/>
/// (server VAD on or off, interruption) and <see cref="RealtimeSessionOptions.TranscriptionOptions"/> (language,
/// prompt, model) map to their counterparts; <see cref="RealtimeSessionOptions.InputAudioFormat"/> must be
/// <c>audio/pcm</c> (its rate becomes <see cref="SdkRealtime.RealtimeSessionOptions.InputSampleRate"/>) and
/// <see cref="RealtimeSessionOptions.OutputAudioFormat"/> <c>audio/pcm</c> at 24 kHz, the only output the conversation
/// dialect produces; any other value is refused with a <see cref="NotSupportedException"/> before connecting.
/// <see cref="RealtimeSessionOptions.RawRepresentationFactory"/> may return a whole
/// <see cref="SdkRealtime.RealtimeSessionOptions"/>, which is then used as is.
/// </para>
/// <para>What each message does per dialect is listed on <see cref="AudioRealtimeClientSession"/>.</para>
/// </remarks>
public sealed class AudioRealtimeClient : IRealtimeClient
{
    private readonly AudioClient _client;
    private readonly SdkRealtime.RealtimeSessionOptions _defaults;

    /// <summary>Creates the client.</summary>
    /// <param name="client">The audio client whose sessions this opens.</param>
    /// <param name="defaults">The template of every session (dialect, model, reconnect, turns); a conversation with <c>gpt-realtime</c>
    /// when unset.</param>
    public AudioRealtimeClient(AudioClient client, SdkRealtime.RealtimeSessionOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _defaults = defaults
            ?? new SdkRealtime.RealtimeSessionOptions { Dialect = SdkRealtime.RealtimeDialect.OpenAIConversation, Model = "gpt-realtime",
            InputSampleRate = 24000 };
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">An option this client cannot honour (see the remarks of
    /// <see cref="AudioRealtimeClient"/>).</exception>
    /// <exception cref="ArgumentException">The resulting session options are invalid.</exception>
    public async Task<IRealtimeClientSession> CreateSessionAsync(RealtimeSessionOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var sdkOptions = RealtimeOptionsMapper.ToSdk(_defaults, options);
        var session = await _client.StartRealtimeSessionAsync(sdkOptions, cancellationToken).ConfigureAwait(false);
        return new AudioRealtimeClientSession(session, options ?? RealtimeOptionsMapper.FromSdk(sdkOptions));
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(_client) ? _client
            : null;
    }

    /// <summary>Does nothing: the <see cref="AudioClient"/> belongs to the caller.</summary>
    public void Dispose()
    {
    }
}
