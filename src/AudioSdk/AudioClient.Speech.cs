using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using AudioSdk.Internal.Diagnostics;
using AudioSdk.Internal.Http;
using AudioSdk.Speech;

namespace AudioSdk;

public partial class AudioClient
{
    /// <summary>
    /// Generates speech (<c>POST /audio/speech</c>) and returns the whole audio. For long texts or low
    /// latency, <see cref="StreamSpeechAsync"/> hands the audio over as it arrives.
    /// </summary>
    /// <param name="input">The text, at most 4096 characters.</param>
    /// <param name="options">The request's fields; <see cref="SpeechOptions.Model"/> and <see cref="SpeechOptions.Voice"/> may be left null
    /// where the provider has defaults.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The audio with its content type and the response's metadata.</returns>
    /// <exception cref="ArgumentException">The text is empty or too long, or an option is invalid (checked before sending).</exception>
    /// <exception cref="AudioServiceException">The service answered with an error, or with a success that carries no audio
    /// (<see cref="AudioErrorCodes.InvalidResponse"/>).</exception>
    /// <exception cref="AudioTransportException">The connection failed, broke or timed out after the retries (see
    /// <see cref="AudioTransportException.IsTimeout"/>; the cause is the inner exception).</exception>
    public virtual async Task<SpeechResult> GenerateSpeechAsync(string input, SpeechOptions options,
        CancellationToken cancellationToken = default)
    {
        var spec = PrepareSpeech(input, options);
        return await SendAsync(
            spec,
            async (response, ct) =>
            {
                var metadata = ResponseMetadata.FromResponse(response);
                if (SpeechEventReader.IsEventStream(response))
                {
                    SpeechUsage? usage = null;
                    using var audio = new MemoryStream();
                    var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                    await using var bodyScope = body.ConfigureAwait(false);
                    var events = StreamedBody.ReadEventsAsync(body, response,
                        SpeechEventReader.Decoder(metadata, _options.ApiKey, u => usage = u), SpeechEventReader.CutShort, ct);
                    await foreach (var chunk in events.ConfigureAwait(false))
                    {
                        audio.Write(chunk.Span);
                    }

                    return new SpeechResult(audio.ToArray(), SpeechRequest.ContentTypeFor(options.ResponseFormat), metadata, usage);
                }

                var bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
                if (bytes.Length == 0)
                {
                    // A success without a byte of audio is never speech: say so rather than hand back silence.
                    throw ResponseReader.InvalidResponse(response,
                        $"The service answered {(int)response.StatusCode} to a speech request with an empty body: no audio came back.");
                }

                return new SpeechResult(bytes,
                    SpeechRequest.ContentTypeOf(response.Content.Headers.ContentType?.MediaType, bytes, options.ResponseFormat), metadata);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Generates speech and yields the audio bytes as they arrive, so playback can start before the
    /// service has finished. Both stream forms are understood: raw chunked audio, and server-sent
    /// <c>speech.audio.delta</c> events (<see cref="SpeechOptions.StreamFormat"/> = <see cref="SpeechStreamFormat.Sse"/>).
    /// </summary>
    /// <param name="input">The text, at most 4096 characters.</param>
    /// <param name="options">The request's fields; <see cref="SpeechOptions.Model"/> and <see cref="SpeechOptions.Voice"/> may be left null
    /// where the provider has defaults.</param>
    /// <param name="cancellationToken">Cancels the request and the stream.</param>
    /// <returns>The audio chunks; enumerate once.</returns>
    /// <exception cref="ArgumentException">The text is empty or too long, or an option is invalid (thrown at the call).</exception>
    /// <exception cref="AudioServiceException">The service answered with an error, before or during the stream.</exception>
    /// <exception cref="AudioTransportException">The connection failed, broke or timed out after the retries (see
    /// <see cref="AudioTransportException.IsTimeout"/>; the cause is the inner exception), before or while the body was
    /// streaming.</exception>
    public virtual SpeechStream StreamSpeechAsync(string input, SpeechOptions options, CancellationToken cancellationToken = default)
    {
        var spec = PrepareSpeech(input, options);
        return new SpeechStream(
            (stream, enumeratorToken) => StreamSpeechCoreAsync(stream, spec, options, cancellationToken, enumeratorToken),
            (stream, openToken) => OpenSpeechAsync(stream, spec, options, cancellationToken, openToken));
    }

    /// <summary>The speech response as a stream: the body itself for raw audio, decoded deltas for SSE.</summary>
    private async Task<Stream> OpenSpeechAsync(SpeechStream target, RequestSpec spec, SpeechOptions options, CancellationToken callToken,
        CancellationToken openToken)
    {
        var linked = callToken.CanBeCanceled
            && openToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(callToken, openToken) : null;
        var (body, sse) = await OpenSpeechBodyAsync(target, spec, options, linked?.Token
            ?? (openToken.CanBeCanceled ? openToken : callToken), linked).ConfigureAwait(false);
        return sse ? new ChunkReadStream(SpeechDeltas(body, target).GetAsyncEnumerator(body.Token), body) : body;
    }

    private async IAsyncEnumerable<ReadOnlyMemory<byte>> StreamSpeechCoreAsync(
        SpeechStream target,
        RequestSpec spec,
        SpeechOptions options,
        CancellationToken callToken,
        [EnumeratorCancellation] CancellationToken enumeratorToken)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(callToken, enumeratorToken);
        var (body, sse) = await OpenSpeechBodyAsync(target, spec, options, linked.Token, linked).ConfigureAwait(false);
        await using var bodyScope = body.ConfigureAwait(false);
        var chunks = sse ? SpeechDeltas(body, target) : SpeechEventReader.ReadRawChunksAsync(body, body.Token);
        await foreach (var chunk in chunks.ConfigureAwait(false))
        {
            yield return chunk;
        }
    }

    /// <summary>
    /// Sends the speech request and opens its body, which owns the response and <paramref name="owned"/> (disposed here if
    /// the request fails); sets the target's metadata and content type once the headers arrive.
    /// </summary>
    private async Task<(StreamedBody Body, bool Sse)> OpenSpeechBodyAsync(SpeechStream target, RequestSpec spec, SpeechOptions options,
        CancellationToken token, IDisposable? owned)
    {
        StreamingResponse? streaming = null;
        try
        {
            streaming = await SendStreamingAsync(spec, token).ConfigureAwait(false);
            target.Metadata = streaming.Metadata;
            var sse = SpeechEventReader.IsEventStream(streaming.Response);
            target.ContentType = sse ? SpeechRequest.ContentTypeFor(options.ResponseFormat) : streaming.Response.Content.Headers.ContentType?.MediaType ?? SpeechRequest.ContentTypeFor(options.ResponseFormat);
            var empty = sse ? null : $"The service answered {(int)streaming.Response.StatusCode} to a speech request with an empty body: no audio came back.";
            return (await ReadStreamedBodyAsync(streaming, spec, events: sse, emptyProblem: empty, owned).ConfigureAwait(false), sse);
        }
        catch
        {
            streaming?.Dispose();
            owned?.Dispose();
            throw;
        }
    }

    private IAsyncEnumerable<ReadOnlyMemory<byte>> SpeechDeltas(StreamedBody body, SpeechStream target) =>
        body.ReadEventsAsync(SpeechEventReader.Decoder(body.Metadata, _options.ApiKey, usage => target.Usage = usage),
            SpeechEventReader.CutShort);

    private RequestSpec PrepareSpeech(string input, SpeechOptions options)
    {
        SpeechRequest.Validate(input, options);
        var body = SpeechRequest.Body(input, options);
        if (Telemetry.CharactersSynthesized.Enabled)
        {
            Telemetry.CharactersSynthesized.Add(SpeechRequest.CountCharacters(input), new KeyValuePair<string,
                object?>("gen_ai.request.model", options.Model));
        }

        var accept = options.StreamFormat == SpeechStreamFormat.Sse ? RequestSpec.EventStreamMediaType : SpeechRequest.ContentTypeFor(options.ResponseFormat) + ", */*";
        return new RequestSpec(HttpMethod.Post, SpeechRequest.Path, () => SpeechRequest.Content(body),
            replayable: true) { Operation = "speech", Model = options.Model, UploadBytes = body.Length, Accept = accept };
    }
}
