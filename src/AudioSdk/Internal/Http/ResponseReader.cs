using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AudioSdk.Internal.Diagnostics;

namespace AudioSdk.Internal.Http;

/// <summary>How a successful REST answer becomes a typed result: a JSON body, a text body, and the one error for a body that is not what
/// was asked for.</summary>
internal static class ResponseReader
{
    /// <summary>Reads a JSON body as <typeparamref name="T"/>; <paramref name="finish"/> completes the result (metadata, metrics) in the
    /// same step.</summary>
    public static async Task<T> JsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken,
        Action<T, HttpResponseMessage>? finish = null)
        where T : class
    {
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var bodyScope = body.ConfigureAwait(false);
        try
        {
            var result = await JsonSerializer.DeserializeAsync(body, typeInfo, cancellationToken).ConfigureAwait(false)
                ?? throw InvalidJson(response, null);
            finish?.Invoke(result, response);
            return result;
        }
        catch (JsonException ex)
        {
            throw InvalidJson(response, ex);
        }
    }

    /// <summary>Reads a text body (<c>text</c>, <c>srt</c>, <c>vtt</c>) with the response's metadata.</summary>
    public static async Task<AudioTextResult> TextAsync(HttpResponseMessage response, string format, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return new AudioTextResult(text, format, ResponseMetadata.FromResponse(response));
    }

    /// <summary>The <c>invalid_response</c> error for a success whose body is not the JSON the operation expects.</summary>
    public static AudioServiceException InvalidJson(HttpResponseMessage response, JsonException? error)
    {
        var problem = error is null ? "a JSON body that is null or not an object" : $"a body that is not the expected JSON ({response.Content.Headers.ContentType?.MediaType ?? "no content type"}): {error.Message}";
        return InvalidResponse(response, $"The service answered {(int)response.StatusCode} with {problem}");
    }

    /// <summary>An <c>invalid_response</c> error that keeps the status, request id and metadata.</summary>
    public static AudioServiceException InvalidResponse(HttpResponseMessage response, string message)
    {
        var metadata = ResponseMetadata.FromResponse(response);
        return new AudioServiceException(message, response.StatusCode, code: AudioErrorCodes.InvalidResponse,
            requestId: metadata.RequestId, metadata: metadata);
    }

    /// <summary>Counts transcribed or translated audio in the <c>audiosdk.audio.transcribed</c> metric.</summary>
    public static void RecordAudio(TimeSpan? duration, string operation)
    {
        if (duration is { } d && Telemetry.AudioTranscribed.Enabled)
        {
            Telemetry.AudioTranscribed.Add(d.TotalSeconds, new KeyValuePair<string, object?>("audiosdk.operation", operation));
        }
    }
}
