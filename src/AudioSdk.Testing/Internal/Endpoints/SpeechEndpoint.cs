using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace AudioSdk.Testing.Internal.Endpoints;

/// <summary>The speech route: a tone as long as the text asks, in every format, whole or streamed (the server writes its WAV itself, apart
/// from the SDK, so it stays an independent oracle).</summary>
internal sealed class SpeechEndpoint(ServerState state)
{
    private const int ChunkMilliseconds = 100;

    public async Task HandleAsync(HttpContext context)
    {
        var request = RequestPipeline.RequestOf(context);
        var pause = RequestPipeline.PauseOf(context);
        JsonObject? body;
        try
        {
            body = JsonNode.Parse(request.JsonBody ?? string.Empty) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }

        if (body is null)
        {
            await HttpAnswers.InvalidRequestAsync(context, 400, "invalid_json", "The body is not a JSON object.").ConfigureAwait(false);
            return;
        }

        var input = body["input"]?.GetValue<string>();
        var model = body["model"]?.GetValue<string>();
        var voice = body["voice"];
        if (string.IsNullOrEmpty(model) || string.IsNullOrEmpty(input) || voice is null)
        {
            var missing = string.IsNullOrEmpty(model) ? "model" : string.IsNullOrEmpty(input) ? "input" : "voice";
            await HttpAnswers.InvalidRequestAsync(context, 400, "missing_required_parameter", $"Missing required parameter: '{missing}'.",
                missing).ConfigureAwait(false);
            return;
        }

        if (input.Length > 4096)
        {
            await HttpAnswers.InvalidRequestAsync(context, 400, "string_above_max_length", "Input is longer than 4096 characters.",
                "input").ConfigureAwait(false);
            return;
        }

        var speed = body["speed"]?.GetValue<double>() ?? 1.0;
        if (speed is < 0.25 or > 4.0)
        {
            await HttpAnswers.InvalidRequestAsync(context, 400, "invalid_value", "speed must be between 0.25 and 4.0.",
                "speed").ConfigureAwait(false);
            return;
        }

        var format = body["response_format"]?.GetValue<string>() ?? "mp3";
        var pcm = Tone(Math.Max(0.2, input.Length * 0.06 / speed), state.Options.SpeechSampleRate);
        state.AddUsage(request, model, "tts", "characters", input.Length, null, input.Length);
        var payload = format switch
        {
            "wav" => Wav(pcm, state.Options.SpeechSampleRate),
            "pcm" => pcm,
            "mp3" => [.. "ID3"u8, 4, 0, 0, 0, 0, 0, 0, .. pcm],
            "opus" => [.. "OggS"u8, 0, 2, .. pcm],
            "aac" => [0xFF, 0xF1, 0x50, 0x80, .. pcm],
            "flac" => [.. "fLaC"u8, .. pcm],
            _ => null,
        };
        if (payload is null)
        {
            await HttpAnswers.InvalidRequestAsync(context, 400, "invalid_value", $"Unsupported response_format '{format}'.",
                "response_format").ConfigureAwait(false);
            return;
        }

        var response = context.Response;
        var ct = context.RequestAborted;
        var chunk = state.Options.SpeechSampleRate * 2 * ChunkMilliseconds / 1000;
        var sse = body["stream_format"]?.GetValue<string>() == "sse";
        response.StatusCode = 200;
        response.ContentType = sse ? "text/event-stream" : format switch
        {
            "wav" => "audio/wav",
            "pcm" => "audio/pcm",
            "mp3" => "audio/mpeg",
            "opus" => "audio/ogg",
            "aac" => "audio/aac",
            _ => "audio/flac",
        };
        for (var offset = 0; offset < payload.Length; offset += chunk)
        {
            var part = payload.AsMemory(offset, Math.Min(chunk, payload.Length - offset));
            if (sse)
            {
                var evt = new JsonObject { ["type"] = "speech.audio.delta", ["audio"] = Convert.ToBase64String(part.Span) };
                await response.WriteAsync("data: " + evt.ToJsonString() + "\n\n", ct).ConfigureAwait(false);
            }
            else
            {
                await response.Body.WriteAsync(part, ct).ConfigureAwait(false);
            }

            await response.Body.FlushAsync(ct).ConfigureAwait(false);
            if (offset == 0 && pause is not null)
            {
                await pause.WaitAsync(ct).ConfigureAwait(false);
            }
        }

        if (sse)
        {
            var inputTokens = Math.Max(1, input.Length / 4);
            var outputTokens = payload.Length / 960;
            var done = new JsonObject
            {
                ["type"] = "speech.audio.done",
                ["usage"] = new JsonObject { ["input_tokens"] = inputTokens, ["output_tokens"] = outputTokens,
                    ["total_tokens"] = inputTokens + outputTokens },
            };
            await response.WriteAsync("data: " + done.ToJsonString() + "\n\n", ct).ConfigureAwait(false);
        }
    }

    private static byte[] Tone(double seconds, int sampleRate)
    {
        var samples = (int)(seconds * sampleRate);
        var pcm = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var value = (short)(Math.Sin(2 * Math.PI * 440 * i / sampleRate) * 0.3 * short.MaxValue);
            pcm[2 * i] = (byte)value;
            pcm[(2 * i) + 1] = (byte)(value >> 8);
        }

        return pcm;
    }

    private static byte[] Wav(byte[] pcm, int sampleRate)
    {
        var wav = new byte[44 + pcm.Length];
        var span = wav.AsSpan();
        "RIFF"u8.CopyTo(span);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + pcm.Length);
        "WAVEfmt "u8.CopyTo(span[8..]);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[24..], sampleRate);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[28..], sampleRate * 2);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(span[40..], pcm.Length);
        pcm.CopyTo(span[44..]);
        return wav;
    }
}
