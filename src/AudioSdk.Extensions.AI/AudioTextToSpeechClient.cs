// The speech abstractions are experimental in Microsoft.Extensions.AI (MEAI001).
#pragma warning disable MEAI001

using System.Globalization;
using System.Runtime.CompilerServices;
using AudioSdk.Speech;
using Microsoft.Extensions.AI;

namespace AudioSdk.Extensions.AI;

/// <summary>
/// <see cref="ITextToSpeechClient"/> over an <see cref="AudioClient"/>: <c>VoiceId</c>, <c>AudioFormat</c> (<c>mp3</c>, <c>wav</c>, ...
/// or a MIME type), <c>Speed</c> and <c>Language</c> map onto the speech request; additional property <c>instructions</c> too.
/// </summary>
public sealed class AudioTextToSpeechClient : ITextToSpeechClient
{
    private readonly AudioClient _client;
    private readonly string? _defaultModel;
    private readonly string _defaultVoice;

    /// <summary>Creates the adapter; the client is not disposed with it.</summary>
    /// <param name="client">The audio client.</param>
    /// <param name="defaultModel">The model when the options name none.</param>
    /// <param name="defaultVoice">The voice when the options name none. Default <c>alloy</c>.</param>
    public AudioTextToSpeechClient(AudioClient client, string? defaultModel = null, string defaultVoice = "alloy")
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _defaultModel = defaultModel;
        _defaultVoice = defaultVoice;
        Metadata = new TextToSpeechClientMetadata("AudioSdk", client.Endpoint, defaultModel);
    }

    /// <summary>The provider, endpoint and default model.</summary>
    public TextToSpeechClientMetadata Metadata { get; }

    /// <inheritdoc />
    public async Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var speechOptions = Map(options);
        var result = await _client.GenerateSpeechAsync(text, speechOptions, cancellationToken).ConfigureAwait(false);
        return new TextToSpeechResponse([new DataContent(result.Audio, result.ContentType)])
        {
            ModelId = speechOptions.Model,
            ResponseId = result.Metadata.RequestId,
            RawRepresentation = result,
        };
    }

    /// <inheritdoc />
    public IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(string text, TextToSpeechOptions? options = null,
        CancellationToken cancellationToken = default) =>
        StreamAsync(_client.StreamSpeechAsync(text, Map(options), cancellationToken), options, cancellationToken);

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        AdapterServices.Get(this, Metadata, _client, serviceType, serviceKey);

    /// <summary>Nothing to release: the audio client is the caller's.</summary>
    public void Dispose()
    {
    }

    private async IAsyncEnumerable<TextToSpeechResponseUpdate> StreamAsync(SpeechStream stream, TextToSpeechOptions? options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var chunk in stream.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return new TextToSpeechResponseUpdate([new DataContent(chunk, stream.ContentType ?? "application/octet-stream")])
            {
                Kind = TextToSpeechResponseUpdateKind.AudioUpdating,
                ModelId = options?.ModelId ?? _defaultModel,
                ResponseId = stream.Metadata?.RequestId,
            };
        }
    }

    private SpeechOptions Map(TextToSpeechOptions? options)
    {
        var speech = new SpeechOptions
        {
            Model = options?.ModelId ?? _defaultModel
                ?? throw new ArgumentException("No model: set TextToSpeechOptions.ModelId or give the adapter a default model.",
                nameof(options)),
            Voice = options?.VoiceId ?? _defaultVoice,
            ResponseFormat = Format(options?.AudioFormat),
            Speed = options?.Speed,
            Instructions = options?.AdditionalProperties?.TryGetValue("instructions", out var i) == true ? Convert.ToString(i,
                CultureInfo.InvariantCulture) : null,
        };
        if (options?.Language is { Length: > 0 } language)
        {
            speech.AdditionalProperties["language"] = language;
        }

        return speech;
    }

    private static SpeechFormat? Format(string? format) => format?.ToLowerInvariant() switch
    {
        null or "" => (SpeechFormat?)null,
        "audio/mpeg" or "audio/mp3" => SpeechFormat.Mp3,
        "audio/wav" or "audio/wave" or "audio/x-wav" => SpeechFormat.Wav,
        "audio/ogg" or "audio/opus" => SpeechFormat.Opus,
        "audio/aac" => SpeechFormat.Aac,
        "audio/flac" => SpeechFormat.Flac,
        "audio/pcm" or "audio/l16" => SpeechFormat.Pcm,
        var other => new SpeechFormat(other),
    };
}
