using AudioSdk.Internal;
using AudioSdk.Internal.Http;
using AudioSdk.Internal.Json;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;

namespace AudioSdk;

public partial class AudioClient
{
    /// <summary>Translates audio into English text (<c>POST /audio/translations</c>) in <c>json</c> (the default) or
    /// <c>verbose_json</c>.</summary>
    /// <param name="audio">The audio to upload.</param>
    /// <param name="options">The request's fields; <see cref="TranslationOptions.Model"/> is required.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The translation, with the response's metadata.</returns>
    /// <exception cref="ArgumentException">An option is invalid or the audio is empty (checked before sending).</exception>
    /// <exception cref="AudioServiceException">The service answered with an error.</exception>
    /// <exception cref="AudioTransportException">The connection failed, broke or timed out after the retries (see
    /// <see cref="AudioTransportException.IsTimeout"/>; the cause is the inner exception).</exception>
    public virtual async Task<Translation> TranslateAsync(AudioInput audio, TranslationOptions options,
        CancellationToken cancellationToken = default)
    {
        var format = options?.ResponseFormat ?? TranscriptionFormat.Json;
        var formatProblem = Validation.JsonFormat(format, nameof(TranslateAsync), "a typed translation", nameof(TranslateToTextAsync));
        var spec = await PrepareTranslationAsync(audio, options!, format, formatProblem, cancellationToken).ConfigureAwait(false);
        return await SendAsync(spec, ReadTranslationAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Translates audio into English and returns the body as text: <c>text</c> (the default), <c>srt</c> or <c>vtt</c>.</summary>
    /// <param name="audio">The audio to upload.</param>
    /// <param name="options">The request's fields; <see cref="TranslationOptions.Model"/> is required.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The body, with the response's metadata; converts implicitly to <see cref="string"/>.</returns>
    /// <exception cref="ArgumentException">An option is invalid or the audio is empty (checked before sending).</exception>
    /// <exception cref="AudioServiceException">The service answered with an error.</exception>
    /// <exception cref="AudioTransportException">The connection failed, broke or timed out after the retries (see
    /// <see cref="AudioTransportException.IsTimeout"/>; the cause is the inner exception).</exception>
    public virtual async Task<AudioTextResult> TranslateToTextAsync(AudioInput audio, TranslationOptions options,
        CancellationToken cancellationToken = default)
    {
        var format = options?.ResponseFormat ?? TranscriptionFormat.Text;
        var spec = await PrepareTranslationAsync(audio, options!, format, formatProblem: null, cancellationToken).ConfigureAwait(false);
        return await SendAsync(spec, (response, ct) => ResponseReader.TextAsync(response, format.ToString(), ct),
            cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<RequestSpec> PrepareTranslationAsync(AudioInput audio, TranslationOptions options, TranscriptionFormat format,
        string? formatProblem, CancellationToken cancellationToken)
    {
        TranslationRequest.Validate(audio, options, formatProblem);
        var prepared = await audio.PrepareAsync(cancellationToken).ConfigureAwait(false);
        var body = MultipartBuilder.Create(prepared, TranslationRequest.Fields(options, format));
        return new RequestSpec(HttpMethod.Post, TranslationRequest.Path, body.CreateContent, body.IsReplayable)
        {
            Operation = "translate",
            Accept = format.IsJson ? RequestSpec.JsonMediaType : RequestSpec.TextMediaType,
            Model = options.Model,
            UploadBytes = prepared.Source.Length,
        };
    }

    private static Task<Translation> ReadTranslationAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ResponseReader.JsonAsync(response, AudioSdkJsonContext.Default.Translation, cancellationToken, static (result, response) =>
        {
            result.Metadata = ResponseMetadata.FromResponse(response).WithBodyFields(result.AdditionalProperties);
            ResponseReader.RecordAudio(result.Duration ?? result.Usage?.Duration, "translate");
        });
}
