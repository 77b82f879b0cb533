using System.Runtime.CompilerServices;
using System.Text.Json;
using AudioSdk.Internal;
using AudioSdk.Internal.Diagnostics;
using AudioSdk.Internal.Http;
using AudioSdk.Internal.Json;
using AudioSdk.Transcriptions;

namespace AudioSdk;

public partial class AudioClient
{
    /// <summary>
    /// Transcribes audio into a typed transcript (<c>POST /audio/transcriptions</c>) in <c>json</c> (the
    /// default), <c>verbose_json</c> or <c>diarized_json</c>. For <c>text</c>, <c>srt</c> and <c>vtt</c>
    /// use <see cref="TranscribeToTextAsync"/>.
    /// </summary>
    /// <param name="audio">The audio to upload.</param>
    /// <param name="options">The request's fields; <see cref="TranscriptionOptions.Model"/> may be left null where the provider has a
    /// default.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The transcript, with the response's metadata.</returns>
    /// <exception cref="ArgumentException">An option is invalid or the audio is empty (checked before sending).</exception>
    /// <exception cref="AudioServiceException">The service answered with an error.</exception>
    /// <exception cref="AudioTransportException">The connection failed, broke or timed out after the retries (see
    /// <see cref="AudioTransportException.IsTimeout"/>; the cause is the inner exception).</exception>
    public virtual Task<Transcription> TranscribeAsync(AudioInput audio, TranscriptionOptions options,
        CancellationToken cancellationToken = default)
    {
        var format = options?.ResponseFormat ?? TranscriptionFormat.Json;
        var formatProblem = Validation.JsonFormat(format, nameof(TranscribeAsync), "a typed transcript", nameof(TranscribeToTextAsync));
        return SendAsync(PrepareTranscriptionAsync(audio, options!, format, stream: false, formatProblem, cancellationToken),
            ReadTranscriptionAsync, cancellationToken);
    }

    /// <summary>
    /// Transcribes audio and returns the body as text: <c>text</c> (the default), <c>srt</c>, <c>vtt</c>,
    /// or any other format's body unparsed.
    /// </summary>
    /// <param name="audio">The audio to upload.</param>
    /// <param name="options">The request's fields; <see cref="TranscriptionOptions.Model"/> may be left null where the provider has a
    /// default.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The body, with the response's metadata; converts implicitly to <see cref="string"/>.</returns>
    /// <exception cref="ArgumentException">An option is invalid or the audio is empty (checked before sending).</exception>
    /// <exception cref="AudioServiceException">The service answered with an error.</exception>
    /// <exception cref="AudioTransportException">The connection failed, broke or timed out after the retries (see
    /// <see cref="AudioTransportException.IsTimeout"/>; the cause is the inner exception).</exception>
    public virtual async Task<AudioTextResult> TranscribeToTextAsync(AudioInput audio, TranscriptionOptions options,
        CancellationToken cancellationToken = default)
    {
        var format = options?.ResponseFormat ?? TranscriptionFormat.Text;
        var spec = await PrepareTranscriptionAsync(audio, options!, format, stream: false, formatProblem: null,
            cancellationToken).ConfigureAwait(false);
        return await SendAsync(spec, (response, ct) => ResponseReader.TextAsync(response, format.ToString(), ct),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Transcribes audio with <c>stream=true</c>, yielding each server-sent event as it arrives:
    /// text deltas, diarized segments and the final text with usage. Unknown events are skipped.
    /// Servers that stream in vLLM's chunk form (<c>choices[].delta.content</c>) are understood too.
    /// </summary>
    /// <param name="audio">The audio to upload.</param>
    /// <param name="options">The request's fields; <see cref="TranscriptionOptions.Model"/> may be left null where the provider has a
    /// default.</param>
    /// <param name="cancellationToken">Cancels the request and the stream.</param>
    /// <returns>The updates, in the order the service sent them.</returns>
    /// <exception cref="ArgumentException">An option is invalid (thrown at the call, before enumeration).</exception>
    /// <exception cref="AudioServiceException">The service answered with an error, before or during the stream.</exception>
    /// <exception cref="AudioTransportException">The connection failed, broke or timed out after the retries (see
    /// <see cref="AudioTransportException.IsTimeout"/>; the cause is the inner exception), before or while the body was
    /// streaming.</exception>
    public virtual IAsyncEnumerable<TranscriptionUpdate> TranscribeStreamingAsync(AudioInput audio, TranscriptionOptions options,
        CancellationToken cancellationToken = default)
    {
        TranscriptionRequest.Validate(audio, options);
        return StreamTranscriptionAsync(audio, options, cancellationToken);
    }

    private async IAsyncEnumerable<TranscriptionUpdate> StreamTranscriptionAsync(AudioInput audio, TranscriptionOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var spec = await PrepareTranscriptionAsync(audio, options, options.ResponseFormat ?? TranscriptionFormat.Json, stream: true,
            formatProblem: null, cancellationToken).ConfigureAwait(false);
        using var streaming = await SendStreamingAsync(spec, cancellationToken).ConfigureAwait(false);
        var mediaType = streaming.Response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            // A server that ignores stream=true (whisper-1 does) answers with the whole transcript: never yield nothing.
            yield return await ReadUnstreamedTranscriptionAsync(streaming, spec, mediaType).ConfigureAwait(false);
            yield break;
        }

        var body = await ReadStreamedBodyAsync(streaming, spec, events: true).ConfigureAwait(false);
        await using var bodyScope = body.ConfigureAwait(false);
        var updates = body.ReadEventsAsync(
            data => TranscriptionEventReader.Read(data, streaming.Metadata, _logger, _options.ApiKey) is { } update
                ? new EventStep<TranscriptionUpdate>(true, update, update.Kind == TranscriptionUpdateKind.Done)
                : EventStep<TranscriptionUpdate>.Skip,
            static count =>
                $"The event stream ended after {count} update(s), before transcript.text.done or [DONE]: the transcript is incomplete.");
        await foreach (var update in updates.ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private async Task<TranscriptionUpdate> ReadUnstreamedTranscriptionAsync(StreamingResponse streaming, RequestSpec spec,
        string? mediaType)
    {
        var response = streaming.Response;
        if (mediaType is null || !mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            throw new AudioServiceException(
                $"The service answered a streaming transcription with '{mediaType ?? "no content type"}' instead of text/event-stream or JSON.",
                response.StatusCode,
                code: AudioErrorCodes.InvalidResponse,
                requestId: streaming.Metadata.RequestId,
                metadata: streaming.Metadata);
        }

        Log.StreamAnsweredWithJson(_logger, mediaType);
        JsonElement root;
        Transcription? transcription;

        // Read as a stream is: under the idle timeout, with read errors scrubbed of the key.
        var body = await ReadStreamedBodyAsync(streaming, spec).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            try
            {
                using var document = await JsonDocument.ParseAsync(body, default, streaming.Token).ConfigureAwait(false);
                root = document.RootElement.Clone();
                transcription = root.ValueKind == JsonValueKind.Object ? root.Deserialize(AudioSdkJsonContext.Default.Transcription) : null;
            }
            catch (JsonException ex)
            {
                throw ResponseReader.InvalidJson(response, ex);
            }

            if (transcription is null)
            {
                throw ResponseReader.InvalidJson(response, null);
            }
        }

        transcription.Metadata = streaming.Metadata.WithBodyFields(transcription.AdditionalProperties);
        ResponseReader.RecordAudio(transcription.Duration ?? transcription.Usage?.Duration, "transcribe");
        return new TranscriptionUpdate(TranscriptionUpdateKind.Done, "transcript.text.done", root, streaming.Metadata)
        {
            Text = transcription.Text,
            LogProbabilities = transcription.LogProbabilities,
            Usage = transcription.Usage,
            Transcription = transcription,
        };
    }

    private async ValueTask<RequestSpec> PrepareTranscriptionAsync(AudioInput audio, TranscriptionOptions options,
        TranscriptionFormat format, bool stream, string? formatProblem, CancellationToken cancellationToken)
    {
        TranscriptionRequest.Validate(audio, options, formatProblem);
        var prepared = await audio.PrepareAsync(cancellationToken).ConfigureAwait(false);
        var fields = TranscriptionRequest.Fields(options, format, stream);
        var body = MultipartBuilder.Create(prepared, fields);
        return new RequestSpec(HttpMethod.Post, TranscriptionRequest.Path, body.CreateContent, body.IsReplayable)
        {
            Operation = stream ? "transcribe.stream" : "transcribe",
            Accept = stream ? RequestSpec.EventStreamMediaType : format.IsJson ? RequestSpec.JsonMediaType : RequestSpec.TextMediaType,
            Model = options.Model,
            UploadBytes = prepared.Source.Length,
        };
    }

    private static Task<Transcription> ReadTranscriptionAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ResponseReader.JsonAsync(response, AudioSdkJsonContext.Default.Transcription, cancellationToken, static (result, response) =>
        {
            result.Metadata = ResponseMetadata.FromResponse(response).WithBodyFields(result.AdditionalProperties);
            ResponseReader.RecordAudio(result.Duration ?? result.Usage?.Duration, "transcribe");
        });
}
