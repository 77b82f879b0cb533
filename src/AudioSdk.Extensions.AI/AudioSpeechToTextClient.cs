// The speech abstractions are experimental in Microsoft.Extensions.AI (MEAI001).
#pragma warning disable MEAI001

using System.Globalization;
using System.Runtime.CompilerServices;
using AudioSdk.Transcriptions;
using TranscriptionOptions = AudioSdk.Transcriptions.TranscriptionOptions;
using AudioSdk.Translations;
using Microsoft.Extensions.AI;

namespace AudioSdk.Extensions.AI;

/// <summary>
/// <see cref="ISpeechToTextClient"/> over an <see cref="AudioClient"/>. <c>SpeechLanguage</c> is the transcription
/// language; a <c>TextLanguage</c> of English that differs from it uses the translation endpoint. Additional
/// properties <c>prompt</c>, <c>temperature</c>, <c>response_format</c> and <c>file_name</c> map onto the request.
/// </summary>
public sealed class AudioSpeechToTextClient : ISpeechToTextClient
{
    private readonly AudioClient _client;
    private readonly string? _defaultModel;

    /// <summary>Creates the adapter; the client is not disposed with it.</summary>
    /// <param name="client">The audio client.</param>
    /// <param name="defaultModel">The model when the options name none.</param>
    public AudioSpeechToTextClient(AudioClient client, string? defaultModel = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _defaultModel = defaultModel;
        Metadata = new SpeechToTextClientMetadata("AudioSdk", client.Endpoint, defaultModel);
    }

    /// <summary>The provider, endpoint and default model.</summary>
    public SpeechToTextClientMetadata Metadata { get; }

    /// <inheritdoc />
    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audioSpeechStream);
        var input = Input(audioSpeechStream, options);
        var model = Model(options);
        if (IsTranslation(options))
        {
            var translation = await _client.TranslateAsync(input, new TranslationOptions
            {
                Model = model,
                Prompt = Text(options, "prompt"),
                Temperature = Number(options, "temperature"),
                ResponseFormat = Format(options) ?? TranscriptionFormat.Json,
            }, cancellationToken).ConfigureAwait(false);
            return new SpeechToTextResponse(translation.Text)
            {
                ModelId = model,
                ResponseId = translation.Metadata.RequestId,
                StartTime = TimeSpan.Zero,
                EndTime = translation.Duration,
                RawRepresentation = translation,
            };
        }

        var transcription = await _client.TranscribeAsync(input, TranscriptionOptions(options, model),
            cancellationToken).ConfigureAwait(false);
        return new SpeechToTextResponse(transcription.Text)
        {
            ModelId = model,
            ResponseId = transcription.Metadata.RequestId,
            StartTime = TimeSpan.Zero,
            EndTime = transcription.Duration,
            RawRepresentation = transcription,
            Usage = transcription.Usage is { } u ? new UsageDetails { InputTokenCount = u.InputTokens, OutputTokenCount = u.OutputTokens,
                TotalTokenCount = u.TotalTokens, InputAudioTokenCount = u.InputTokenDetails?.AudioTokens,
                InputTextTokenCount = u.InputTokenDetails?.TextTokens } : null,
        };
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(Stream audioSpeechStream,
        SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audioSpeechStream);
        return StreamAsync(audioSpeechStream, options, cancellationToken);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        AdapterServices.Get(this, Metadata, _client, serviceType, serviceKey);

    /// <summary>Nothing to release: the audio client is the caller's.</summary>
    public void Dispose()
    {
    }

    private async IAsyncEnumerable<SpeechToTextResponseUpdate> StreamAsync(Stream audio, SpeechToTextOptions? options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (IsTranslation(options))
        {
            var whole = await GetTextAsync(audio, options, cancellationToken).ConfigureAwait(false);
            yield return new SpeechToTextResponseUpdate(whole.Text) { Kind = SpeechToTextResponseUpdateKind.TextUpdated,
                ModelId = whole.ModelId, ResponseId = whole.ResponseId, RawRepresentation = whole.RawRepresentation };
            yield break;
        }

        var model = Model(options);
        await foreach (var update in _client.TranscribeStreamingAsync(Input(audio, options), TranscriptionOptions(options, model),
            cancellationToken).ConfigureAwait(false))
        {
            yield return update.Kind switch
            {
                TranscriptionUpdateKind.Delta =>
                    new SpeechToTextResponseUpdate(update.Delta ?? string.Empty) { Kind = SpeechToTextResponseUpdateKind.TextUpdating,
                    ModelId = model, ResponseId = update.Metadata.RequestId, RawRepresentation = update },
                TranscriptionUpdateKind.Segment =>
                    new SpeechToTextResponseUpdate(update.Text ?? string.Empty) { Kind = SpeechToTextResponseUpdateKind.TextUpdated,
                    ModelId = model, ResponseId = update.Metadata.RequestId, StartTime = update.Segment?.Start,
                    EndTime = update.Segment?.End, RawRepresentation = update },
                _ =>
                    new SpeechToTextResponseUpdate(update.Text ?? string.Empty) { Kind = SpeechToTextResponseUpdateKind.TextUpdated,
                    ModelId = model, ResponseId = update.Metadata.RequestId, RawRepresentation = update },
            };
        }
    }

    private TranscriptionOptions TranscriptionOptions(SpeechToTextOptions? options, string model) => new()
    {
        Model = model,
        Language = options?.SpeechLanguage,
        Prompt = Text(options, "prompt"),
        Temperature = Number(options, "temperature"),
        ResponseFormat = Format(options),
    };

    private string Model(SpeechToTextOptions? options) =>
        options?.ModelId ?? _defaultModel
            ?? throw new ArgumentException("No model: set SpeechToTextOptions.ModelId or give the adapter a default model.",
            nameof(options));

    private static bool IsTranslation(SpeechToTextOptions? options)
    {
        if (options?.TextLanguage is not { Length: > 0 } text
            || string.Equals(text, options.SpeechLanguage, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!text.StartsWith("en", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"Only translation into English is available (TextLanguage '{text}').");
        }

        return true;
    }

    private static AudioInput Input(Stream audio, SpeechToTextOptions? options) => AudioInput.FromStream(audio, Text(options, "file_name"));

    private static TranscriptionFormat? Format(SpeechToTextOptions? options) =>
        Text(options, "response_format") is { Length: > 0 } f ? new TranscriptionFormat(f) : (TranscriptionFormat?)null;

    private static string? Text(SpeechToTextOptions? options, string key) =>
        options?.AdditionalProperties?.TryGetValue(key, out var value) == true ? Convert.ToString(value,
            CultureInfo.InvariantCulture) : null;

    private static float? Number(SpeechToTextOptions? options, string key) =>
        Text(options, key) is { } text && float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null;
}
