using System.Buffers;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using AudioSdk.Internal.Http;
using AudioSdk.Internal.Json;

namespace AudioSdk.Speech;

/// <summary>Reading a speech response: raw audio chunks, or <c>speech.audio.delta</c> server-sent events decoded as they come.</summary>
internal static class SpeechEventReader
{
    /// <summary>Raw audio is handed on in chunks of at most this many bytes.</summary>
    private const int SpeechChunkSize = 16 * 1024;

    internal static bool IsEventStream(HttpResponseMessage response) =>
        string.Equals(response.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);

    internal static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadRawChunksAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(SpeechChunkSize);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, SpeechChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                yield return buffer.AsSpan(0, read).ToArray();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadSpeechEventsAsync(
        Stream body,
        ResponseMetadata metadata,
        SpeechUsage[]? usageOut,
        string? apiKey,
        [EnumeratorCancellation] CancellationToken cancellationToken,
        SpeechStream? target = null)
    {
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            if (item.Data is "[DONE]")
            {
                // The generic end marker some servers send: the end, without usage.
                yield break;
            }

            var (audio, done, usage) = ReadSpeechEvent(item.Data, metadata, apiKey);
            if (audio is not null)
            {
                yield return audio;
            }
            else if (done)
            {
                if (usageOut is not null)
                {
                    usageOut[0] = usage!;
                }

                if (target is not null)
                {
                    target.Usage = usage;
                }

                yield break;
            }
        }

        // No speech.audio.done: the stream was cut short, and the audio that came is not all of it.
        throw new AudioServiceException(
            "The speech event stream ended before speech.audio.done: the audio is incomplete.",
            metadata.Status,
            code: AudioErrorCodes.InvalidResponse,
            requestId: metadata.RequestId,
            metadata: metadata);
    }

    /// <summary>One speech event: its audio, or whether it ends the stream (with usage); an <c>error</c> event or a malformed known event throws.</summary>
    internal static (byte[]? Audio, bool Done, SpeechUsage? Usage) ReadSpeechEvent(string data, ResponseMetadata metadata, string? apiKey)
    {
        if (string.IsNullOrWhiteSpace(data) || data == "[DONE]")
        {
            return default;
        }

        if (StreamEvent.TryParse(data) is not { } root)
        {
            return default;
        }

        try
        {
            var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type == "speech.audio.delta" && root.TryGetProperty("audio", out var audio) && audio.ValueKind != JsonValueKind.Null)
            {
                // Anything but base64 text (a number, an object) is a malformed event, not silence.
                return (audio.GetBytesFromBase64(), false, null);
            }

            if (type == "speech.audio.done")
            {
                return (null, true, root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object ? u.Deserialize(AudioSdkJsonContext.Default.SpeechUsage) : null);
            }

            if (type == "error" || (type is null && root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out _)))
            {
                throw ErrorResponseReader.FromStreamEvent(root, metadata, "speech stream", apiKey);
            }

            return default;
        }
        catch (Exception ex) when (StreamEvent.IsMalformed(ex))
        {
            throw StreamEvent.Malformed(ex, metadata, "speech stream", apiKey);
        }
    }
}
