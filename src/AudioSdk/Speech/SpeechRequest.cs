using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using AudioSdk.Internal;

namespace AudioSdk.Speech;

/// <summary>The speech request: what is checked before anything is sent, its JSON body from the options, and what each format is sent
/// as.</summary>
internal static class SpeechRequest
{
    internal const string Path = "audio/speech";

    private static readonly string[] FieldNames = ["model", "input", "voice", "instructions", "response_format", "speed", "stream_format"];

    /// <summary>Checks the text and the options before anything is sent and throws one <see cref="ArgumentException"/> naming every
    /// problem.</summary>
    internal static void Validate(string input, SpeechOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(input))
        {
            problems.Add("The text to speak is empty.");
        }
        else if (CountCharacters(input) is var length && length > SpeechOptions.MaxInputLength)
        {
            problems.Add($"The text to speak has {length} characters; the limit is {SpeechOptions.MaxInputLength}. Split it into several requests.");
        }

        var textProblems = problems.Count;

        // Model and voice may be left out: a provider with documented defaults (TIE) applies them, one without answers with its own error.
        Validation.OptionalModel(problems, options.Model);
        if (options.Voice is { } voice && string.IsNullOrWhiteSpace(voice.ToString()))
        {
            problems.Add("Voice is blank; set a voice or leave it null so the provider applies its default.");
        }

        if (options.Speed is { } speed && (double.IsNaN(speed) || speed < SpeechOptions.MinSpeed || speed > SpeechOptions.MaxSpeed))
        {
            problems.Add($"Speed must be between {SpeechOptions.MinSpeed} and {SpeechOptions.MaxSpeed} (was {speed}).");
        }

        if (options.Instructions is { } instructions && CountCharacters(instructions) > SpeechOptions.MaxInputLength)
        {
            problems.Add($"Instructions is longer than {SpeechOptions.MaxInputLength} characters.");
        }

        foreach (var property in options.AdditionalProperties ?? new Dictionary<string, System.Text.Json.Nodes.JsonNode?>())
        {
            if (Array.IndexOf(FieldNames, property.Key) >= 0)
            {
                problems.Add($"AdditionalProperties sets '{property.Key}', which a property of SpeechOptions already sets; use that property.");
            }
        }

        // When only the text is wrong, the exception names the text's parameter.
        Validation.ThrowIfAny(problems, "speech request", textProblems == problems.Count ? nameof(input) : nameof(options));
    }

    /// <summary>The JSON body of a request that <see cref="Validate"/> accepted.</summary>
    internal static byte[] Body(string input, SpeechOptions options)
    {
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

    internal static ByteArrayContent Content(byte[] body)
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
