using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;

namespace AudioSdk.Speech;

/// <summary>The speech request: its JSON body from the options, and what each format is sent as.</summary>
internal static class SpeechRequest
{
    internal static byte[] BuildSpeechBody(string input, SpeechOptions options)
    {
        var reserved = new[] { "model", "input", "voice", "instructions", "response_format", "speed", "stream_format" };
        var buffer = new ArrayBufferWriter<byte>(input.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (options.Model is { } model)
            {
                writer.WriteString("model", model);
            }

            writer.WriteString("input", input);
            // With no voice, no field is sent: the provider applies its default (TIE: alloy) or answers with its own error.
            if (options.Voice is { IsCustom: true } custom)
            {
                writer.WriteStartObject("voice");
                writer.WriteString("id", custom.ToString());
                writer.WriteEndObject();
            }
            else if (options.Voice is { } voice)
            {
                writer.WriteString("voice", voice.ToString());
            }

            if (options.Instructions is { } instructions)
            {
                writer.WriteString("instructions", instructions);
            }

            if (options.ResponseFormat is { } format)
            {
                writer.WriteString("response_format", format.ToString());
            }

            if (options.Speed is { } speed)
            {
                writer.WriteNumber("speed", speed);
            }

            if (options.StreamFormat is { } streamFormat)
            {
                writer.WriteString("stream_format", streamFormat == SpeechStreamFormat.Sse ? "sse" : "audio");
            }

            foreach (var property in options.AdditionalProperties ?? new Dictionary<string, System.Text.Json.Nodes.JsonNode?>())
            {
                if (Array.IndexOf(reserved, property.Key) >= 0)
                {
                    throw new ArgumentException($"SpeechOptions.AdditionalProperties sets '{property.Key}', which a property of SpeechOptions already sets; use that property.", nameof(options));
                }

                writer.WritePropertyName(property.Key);
                if (property.Value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    property.Value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    internal static ByteArrayContent JsonContent(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    internal static int CountCharacters(string text)
    {
        if (text.Length <= SpeechOptions.MaxInputLength)
        {
            return text.Length;
        }

        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// The content type of a whole speech body: the response's own, else what the bytes are (a provider that answers
    /// in one format whatever is asked, such as Tinfoil's WAV, may label it generically or not at all), else the one asked for.
    /// </summary>
    internal static string ContentTypeOf(string? responseType, ReadOnlySpan<byte> audio, SpeechFormat? requested)
    {
        if (responseType is { Length: > 0 } && !responseType.EndsWith("/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            return responseType;
        }

        return AudioSdk.Audio.AudioFormatSniffer.Detect(audio) is { } sniffed ? sniffed.ContentType : ContentTypeFor(requested);
    }

    internal static string ContentTypeFor(SpeechFormat? format)
    {
        var value = (format ?? SpeechFormat.Mp3).ToString().ToLowerInvariant();
        return value switch
        {
            "mp3" => "audio/mpeg",
            "opus" => "audio/ogg",
            "aac" => "audio/aac",
            "flac" => "audio/flac",
            "wav" => "audio/wav",
            "pcm" => "audio/pcm",
            _ => "application/octet-stream",
        };
    }
}
