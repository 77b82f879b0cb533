using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AudioSdk.Testing.Internal;

internal static partial class ConversationConfig
{
    /// <summary>What session.update and response.create share: instructions, modalities, tools, tool choice, token limit.</summary>
    private static ConfigError? Common(JsonObject config, string root)
    {
        if (config["instructions"] is { } instructions && Text(instructions) is null)
        {
            return Invalid($"{root}.instructions");
        }

        if (config["output_modalities"] is { } modalities
            && (modalities is not JsonArray { Count: 1 } || Modality(config) is not ("audio" or "text")))
        {
            return new("invalid_value", $"Invalid '{root}.output_modalities': use [\"audio\"] or [\"text\"].", $"{root}.output_modalities");
        }

        if (config["tools"] is { } tools)
        {
            if (tools is not JsonArray list)
            {
                return Invalid($"{root}.tools");
            }

            for (var i = 0; i < list.Count; i++)
            {
                var type = Text(list[i]?["type"]);
                if (type == "function" && Text(list[i]?["name"]) is not { Length: > 0 })
                {
                    return new("missing_required_parameter", $"Missing required parameter: '{root}.tools[{i}].name'.",
                        $"{root}.tools[{i}].name");
                }

                if (type is not ("function" or "mcp"))
                {
                    return Invalid($"{root}.tools[{i}].type");
                }
            }
        }

        if (config["tool_choice"] is { } choice
            && Text(choice) is not ("auto" or "none" or "required")

                && !(choice is JsonObject o
                && ((Text(o["type"]) == "function" && Text(o["name"]) is not null)
                || (Text(o["type"]) == "mcp" && Text(o["server_label"]) is not null))))
        {
            return Invalid($"{root}.tool_choice");
        }

        if (config["max_output_tokens"] is { } max && Text(max) != "inf")
        {
            if (Number(max) is not { } n || n != Math.Floor(n))
            {
                return Invalid($"{root}.max_output_tokens");
            }

            if (n < 1)
            {
                return new("integer_below_min_value",
                    $"Invalid '{root}.max_output_tokens': integer below minimum value. Expected a value >= 1, but got {n} instead.",
                    $"{root}.max_output_tokens");
            }

            if (n > 4096)
            {
                return new("integer_above_max_value",
                    $"Invalid '{root}.max_output_tokens': integer above maximum value. Expected a value <= 4096, but got {n} instead.",
                    $"{root}.max_output_tokens");
            }
        }

        return null;
    }

    private static ConfigError? InputAudio(JsonObject input)
    {
        if (input["format"] is { } format && Format(format, "session.audio.input.format") is { } formatError)
        {
            return formatError;
        }

        if (input["transcription"] is { } transcription && transcription.GetValueKind() != JsonValueKind.Null
            && (transcription is not JsonObject || Text(transcription["model"]) is null))
        {
            return Invalid("session.audio.input.transcription");
        }

        if (input["noise_reduction"] is { } noise && noise.GetValueKind() != JsonValueKind.Null
            && Text(noise["type"]) is not ("near_field" or "far_field"))
        {
            return Invalid("session.audio.input.noise_reduction");
        }

        if (input["turn_detection"] is not { } turns || turns.GetValueKind() == JsonValueKind.Null)
        {
            return null;
        }

        const string Td = "session.audio.input.turn_detection";
        if (turns is not JsonObject t || Text(t["type"]) is not ("server_vad" or "semantic_vad"))
        {
            return new("invalid_value", $"Invalid '{Td}.type': use 'server_vad' or 'semantic_vad', or null to turn detection off.",
                $"{Td}.type");
        }

        foreach (var flag in new[] { "create_response", "interrupt_response" })
        {
            if (t[flag] is { } value && value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            {
                return Invalid($"{Td}.{flag}");
            }
        }

        if (Text(t["type"]) == "semantic_vad")
        {
            return t["eagerness"] is { } eagerness
                && Text(eagerness) is not ("low" or "medium" or "high" or "auto") ? Invalid($"{Td}.eagerness") : null;
        }

        if (t["threshold"] is { } threshold && Number(threshold) is not (>= 0 and <= 1))
        {
            return Invalid($"{Td}.threshold");
        }

        foreach (var ms in new[] { "prefix_padding_ms", "silence_duration_ms" })
        {
            if (t[ms] is { } value && Number(value) is not (>= 0 and <= 10_000))
            {
                return Invalid($"{Td}.{ms}");
            }
        }

        return t["idle_timeout_ms"] is { } idle && idle.GetValueKind() != JsonValueKind.Null && Number(idle) is not (>= 5000 and <= 30000)
            ? Invalid($"{Td}.idle_timeout_ms")
            : null;
    }

    private static ConfigError? OutputAudio(JsonObject output, string path)
    {
        if (output["format"] is { } format && Format(format, path + ".format") is { } formatError)
        {
            return formatError;
        }

        if (output["voice"] is { } voice && Text(voice) is null && !(voice is JsonObject v && Text(v["id"]) is not null))
        {
            return Invalid(path + ".voice");
        }

        return output["speed"] is { } speed && Number(speed) is not (>= 0.25 and <= 1.5) ? Invalid(path + ".speed") : null;
    }

    /// <summary>
    /// PCM is 16-bit mono at 24 kHz only. G.711 (<c>audio/pcmu</c>, <c>audio/pcma</c>) is valid on the wire but this
    /// server speaks and hears PCM only, so it refuses G.711 plainly rather than mislabel its audio.
    /// </summary>
    private static ConfigError? Format(JsonNode format, string path)
    {
        var type = Text(format["type"]);
        if (format is not JsonObject || type is not ("audio/pcm" or "audio/pcmu" or "audio/pcma"))
        {
            return new("invalid_value", $"Invalid '{path}.type': use 'audio/pcm', 'audio/pcmu' or 'audio/pcma'.", path + ".type");
        }

        if (type != "audio/pcm")
        {
            return new("invalid_value", $"'{type}' is not supported by this test server; use 'audio/pcm' at 24000 Hz.", path + ".type");
        }

        return format["rate"] is { } rate && Number(rate) != Rate
            ? new("invalid_value", $"Invalid '{path}.rate': audio/pcm is 16-bit mono at 24000 Hz only.", path + ".rate")
            : null;
    }
}
