using System.Buffers;
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

    internal static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadRawChunksAsync(Stream body,
        [EnumeratorCancellation] CancellationToken cancellationToken)
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

    /// <summary>
    /// The decode of one speech event for <see cref="StreamedBody.ReadEventsAsync{T}(Func{string, EventStep{T}}, Func{int, string})"/>:
    /// a delta yields its audio; <c>speech.audio.done</c> ends the stream and hands its usage to <paramref name="usage"/>.
    /// </summary>
    internal static Func<string, EventStep<ReadOnlyMemory<byte>>> Decoder(ResponseMetadata metadata, string? apiKey,
        Action<SpeechUsage?> usage) => data =>
    {
        var (audio, done, reported) = ReadSpeechEvent(data, metadata, apiKey);
        if (audio is not null)
        {
            return new EventStep<ReadOnlyMemory<byte>>(true, audio, false);
        }

        if (done)
        {
            usage(reported);
        }

        return new EventStep<ReadOnlyMemory<byte>>(false, default, done);
    };

    /// <summary>No <c>speech.audio.done</c>: the stream was cut short, and the audio that came is not all of it.</summary>
    internal static string CutShort(int deltas) => "The speech event stream ended before speech.audio.done: the audio is incomplete.";

    /// <summary>One speech event: its audio, or whether it ends the stream (with usage); an <c>error</c> event or a malformed known event
    /// throws.</summary>
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
            var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t)
                && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type == "speech.audio.delta" && root.TryGetProperty("audio", out var audio) && audio.ValueKind != JsonValueKind.Null)
            {
                // Anything but base64 text (a number, an object) is a malformed event, not silence.
                return (audio.GetBytesFromBase64(), false, null);
            }

            if (type == "speech.audio.done")
            {
                return (null, true, root.TryGetProperty("usage", out var u)
                    && u.ValueKind == JsonValueKind.Object ? u.Deserialize(AudioSdkJsonContext.Default.SpeechUsage) : null);
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
