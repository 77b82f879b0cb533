// The speech and realtime abstractions are experimental in Microsoft.Extensions.AI 11.0 (MEAI001).
#pragma warning disable MEAI001

using Microsoft.Extensions.AI;

namespace AudioSdk.Extensions.AI;

/// <summary>Views an <see cref="AudioClient"/> as Microsoft.Extensions.AI clients.</summary>
public static class AudioClientAIExtensions
{
    /// <summary>An <see cref="ISpeechToTextClient"/> over this client.</summary>
    /// <param name="client">The audio client.</param>
    /// <param name="defaultModel">The model when the options name none.</param>
    public static ISpeechToTextClient AsSpeechToTextClient(this AudioClient client, string? defaultModel = null) =>
        new AudioSpeechToTextClient(client, defaultModel);

    /// <summary>An <see cref="ITextToSpeechClient"/> over this client.</summary>
    /// <param name="client">The audio client.</param>
    /// <param name="defaultModel">The model when the options name none.</param>
    /// <param name="defaultVoice">The voice when the options name none.</param>
    public static ITextToSpeechClient AsTextToSpeechClient(this AudioClient client, string? defaultModel = null,
        string defaultVoice = "alloy") => new AudioTextToSpeechClient(client, defaultModel, defaultVoice);

    /// <summary>
    /// An <see cref="IRealtimeClient"/> over this client: each session wraps a <see cref="Realtime.RealtimeSession"/>
    /// started from <paramref name="defaults"/> (see <see cref="AudioRealtimeClient"/> for what maps).
    /// </summary>
    /// <param name="client">The audio client.</param>
    /// <param name="defaults">The template of every session (dialect, model, reconnect, turns); a <c>gpt-realtime</c> conversation when
    /// unset.</param>
    public static IRealtimeClient AsRealtimeClient(this AudioClient client, Realtime.RealtimeSessionOptions? defaults = null) =>
        new AudioRealtimeClient(client, defaults);
}
