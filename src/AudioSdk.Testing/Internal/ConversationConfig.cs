using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AudioSdk.Testing.Internal;

/// <summary>A refused configuration: the <c>error</c> event's code, message and param.</summary>
internal sealed record ConfigError(string Code, string Message, string? Param);

/// <summary>
/// The conversation dialect's session configuration (GA <c>type:"realtime"</c>): the defaults a new session reports,
/// what <c>session.update</c> and <c>response.create</c> may set, and how an update merges (only the fields present
/// change; <c>audio</c>, <c>audio.input</c> and <c>audio.output</c> merge, every other field is replaced).
/// </summary>
internal static class ConversationConfig
{
    public const int Rate = 24000;

    private static readonly HashSet<string> SessionKeys = new(StringComparer.Ordinal)
    {
        "type", "model", "instructions", "output_modalities", "audio", "include", "tools", "tool_choice", "parallel_tool_calls",
        "reasoning", "max_output_tokens", "truncation", "prompt", "tracing",

        // What session.created reports, so a client may send an effective config back as it got it.
        "object", "id", "expires_at",
    };

    private static readonly HashSet<string> ResponseKeys = new(StringComparer.Ordinal)
    {
        "output_modalities", "instructions", "audio", "tools", "tool_choice", "parallel_tool_calls", "reasoning", "max_output_tokens",
        "prompt", "metadata", "conversation", "input",
    };

    public static JsonObject Default(string model, long expiresAt) => new()
    {
        ["type"] = "realtime",
        ["object"] = "realtime.session",
        ["id"] = "sess_" + Guid.NewGuid().ToString("N")[..12],
        ["model"] = model,
        ["output_modalities"] = new JsonArray("audio"),
        ["instructions"] = "You are a helpful assistant.",
        ["tools"] = new JsonArray(),
        ["tool_choice"] = "auto",
        ["max_output_tokens"] = "inf",
        ["truncation"] = "auto",
        ["tracing"] = null,
        ["include"] = null,
        ["expires_at"] = expiresAt,
        ["audio"] = new JsonObject
        {
            ["input"] = new JsonObject
            {
                ["format"] = new JsonObject { ["type"] = "audio/pcm", ["rate"] = Rate },
                ["transcription"] = null,
                ["noise_reduction"] = null,
                ["turn_detection"] = TurnDetectionDefaults(new JsonObject { ["type"] = "server_vad" }),
            },
            ["output"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "audio/pcm", ["rate"] = Rate }, ["voice"] = "alloy", ["speed"] = 1 },
        },
    };

    /// <summary>Checks a <c>session.update</c>'s <c>session</c>; null when it may be applied.</summary>
    public static ConfigError? ValidateSession(JsonObject? update, JsonObject current, bool audioProduced)
    {
        if (update is null || update["type"] is null)
        {
            return new("missing_required_parameter", "Missing required parameter: 'session.type'.", "session.type");
        }

        if (Text(update["type"]) != "realtime")
        {
            return new("invalid_value", "Invalid value: 'session.type'. This is a conversation session; its type is 'realtime'.", "session.type");
        }

        if (update.Select(p => p.Key).FirstOrDefault(k => !SessionKeys.Contains(k)) is { } unknown)
        {
            return new("unknown_parameter", $"Unknown parameter: 'session.{unknown}'.", $"session.{unknown}");
        }

        if (Common(update, "session") is { } common)
        {
            return common;
        }

        if (update["audio"] is { } audio)
        {
            if (audio is not JsonObject)
            {
                return Invalid("session.audio");
            }

            var input = audio["input"];
            var output = audio["output"];
            if ((input is not null && input is not JsonObject) || (output is not null && output is not JsonObject))
            {
                return Invalid("session.audio");
            }

            if (input is JsonObject i && InputAudio(i) is { } inputError)
            {
                return inputError;
            }

            if (output is JsonObject o && OutputAudio(o, "session.audio.output") is { } outputError)
            {
                return outputError;
            }

            var voice = output?["voice"];
            var before = current["audio"]?["output"]?["voice"];
            if (voice is not null && audioProduced && !JsonNode.DeepEquals(voice, before))
            {
                return new("cannot_update_voice", "Cannot update a conversation's voice if assistant audio is present.", "session.audio.output.voice");
            }
        }

        return null;
    }

    /// <summary>Checks a <c>response.create</c>'s <c>response</c>; null when it may be used.</summary>
    public static ConfigError? ValidateResponse(JsonObject overrides)
    {
        if (overrides.Select(p => p.Key).FirstOrDefault(k => !ResponseKeys.Contains(k)) is { } unknown)
        {
            return new("unknown_parameter", $"Unknown parameter: 'response.{unknown}'.", $"response.{unknown}");
        }

        if (Common(overrides, "response") is { } common)
        {
            return common;
        }

        if (overrides["audio"] is { } audio && (audio is not JsonObject || (audio["output"] is { } o && (o is not JsonObject output || OutputAudio(output, "response.audio.output") is not null))))
        {
            return Invalid("response.audio.output");
        }

        if (overrides["conversation"] is { } conversation && Text(conversation) is not ("auto" or "none"))
        {
            return Invalid("response.conversation");
        }

        if (overrides["input"] is { } input && input is not JsonArray)
        {
            return Invalid("response.input");
        }

        if (overrides["metadata"] is { } metadata && metadata.GetValueKind() != JsonValueKind.Null)
        {
            if (metadata is not JsonObject pairs || pairs.Count > 16)
            {
                return new("invalid_value", "Invalid 'response.metadata': at most 16 key-value pairs.", "response.metadata");
            }

            foreach (var (key, value) in pairs)
            {
                if (key.Length > 64 || Text(value) is not { Length: <= 512 })
                {
                    return new("invalid_value", "Invalid 'response.metadata': keys are at most 64 characters and values strings of at most 512.", "response.metadata." + key);
                }
            }
        }

        return null;
    }

    /// <summary>Applies a validated update: only the fields present change.</summary>
    public static void Merge(JsonObject session, JsonObject update)
    {
        foreach (var (key, value) in update)
        {
            if (key is "object" or "id" or "expires_at" or "model")
            {
                continue;
            }

            if (key == "audio" && value is JsonObject audio)
            {
                var target = session["audio"] as JsonObject ?? new JsonObject();
                session["audio"] = target;
                foreach (var (side, sideValue) in audio)
                {
                    if (sideValue is JsonObject fields && target[side] is JsonObject existing)
                    {
                        foreach (var (field, fieldValue) in fields)
                        {
                            existing[field] = field == "turn_detection" && fieldValue is JsonObject td ? TurnDetectionDefaults((JsonObject)td.DeepClone()) : fieldValue?.DeepClone();
                        }
                    }
                    else
                    {
                        target[side] = sideValue?.DeepClone();
                    }
                }
            }
            else
            {
                session[key] = value?.DeepClone();
            }
        }
    }

    /// <summary>Fills the fields the client left out of a turn detection object with the type's defaults.</summary>
    public static JsonObject TurnDetectionDefaults(JsonObject turns)
    {
        JsonObject defaults = Text(turns["type"]) == "semantic_vad"
            ? new() { ["type"] = "semantic_vad", ["eagerness"] = "auto", ["create_response"] = true, ["interrupt_response"] = true }
            : new() { ["type"] = "server_vad", ["threshold"] = 0.5, ["prefix_padding_ms"] = 300, ["silence_duration_ms"] = 200, ["idle_timeout_ms"] = null, ["create_response"] = true, ["interrupt_response"] = true };
        foreach (var (key, value) in turns)
        {
            defaults[key] = value?.DeepClone();
        }

        return defaults;
    }

    /// <summary>The output modality (<c>audio</c> or <c>text</c>) an object sets, if any.</summary>
    public static string? Modality(JsonNode? config) => config?["output_modalities"] is JsonArray { Count: 1 } m ? Text(m[0]) : null;

    /// <summary>A <c>max_output_tokens</c> value: a number of tokens, or null for <c>"inf"</c> or absent.</summary>
    public static int? MaxTokens(JsonNode? value) => value is JsonValue v && v.TryGetValue<int>(out var n) ? n : null;

    public static string? Text(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;

    public static double? Number(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture) : null;

    /// <summary>A boolean flag; true when absent (the turn detection flags default to true).</summary>
    public static bool Flag(JsonNode? owner, string name) => owner?[name] is not JsonValue value || !value.TryGetValue<bool>(out var flag) || flag;

    /// <summary>What session.update and response.create share: instructions, modalities, tools, tool choice, token limit.</summary>
    private static ConfigError? Common(JsonObject config, string root)
    {
        if (config["instructions"] is { } instructions && Text(instructions) is null)
        {
            return Invalid($"{root}.instructions");
        }

        if (config["output_modalities"] is { } modalities && (modalities is not JsonArray { Count: 1 } || Modality(config) is not ("audio" or "text")))
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
                    return new("missing_required_parameter", $"Missing required parameter: '{root}.tools[{i}].name'.", $"{root}.tools[{i}].name");
                }

                if (type is not ("function" or "mcp"))
                {
                    return Invalid($"{root}.tools[{i}].type");
                }
            }
        }

        if (config["tool_choice"] is { } choice
            && Text(choice) is not ("auto" or "none" or "required")
            && !(choice is JsonObject o && ((Text(o["type"]) == "function" && Text(o["name"]) is not null) || (Text(o["type"]) == "mcp" && Text(o["server_label"]) is not null))))
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
                return new("integer_below_min_value", $"Invalid '{root}.max_output_tokens': integer below minimum value. Expected a value >= 1, but got {n} instead.", $"{root}.max_output_tokens");
            }

            if (n > 4096)
            {
                return new("integer_above_max_value", $"Invalid '{root}.max_output_tokens': integer above maximum value. Expected a value <= 4096, but got {n} instead.", $"{root}.max_output_tokens");
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

        if (input["transcription"] is { } transcription && transcription.GetValueKind() != JsonValueKind.Null && (transcription is not JsonObject || Text(transcription["model"]) is null))
        {
            return Invalid("session.audio.input.transcription");
        }

        if (input["noise_reduction"] is { } noise && noise.GetValueKind() != JsonValueKind.Null && Text(noise["type"]) is not ("near_field" or "far_field"))
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
            return new("invalid_value", $"Invalid '{Td}.type': use 'server_vad' or 'semantic_vad', or null to turn detection off.", $"{Td}.type");
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
            return t["eagerness"] is { } eagerness && Text(eagerness) is not ("low" or "medium" or "high" or "auto") ? Invalid($"{Td}.eagerness") : null;
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

    private static ConfigError Invalid(string param) => new("invalid_value", $"Invalid value for '{param}'.", param);
}
