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
internal static partial class ConversationConfig
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
            ["output"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "audio/pcm", ["rate"] = Rate }, ["voice"] = "alloy",
                ["speed"] = 1 },
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
            return new("invalid_value", "Invalid value: 'session.type'. This is a conversation session; its type is 'realtime'.",
                "session.type");
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
                return new("cannot_update_voice", "Cannot update a conversation's voice if assistant audio is present.",
                    "session.audio.output.voice");
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

        if (overrides["audio"] is { } audio
            && (audio is not JsonObject
            || (audio["output"] is { } o && (o is not JsonObject output || OutputAudio(output, "response.audio.output") is not null))))
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
                    return new("invalid_value",
                        "Invalid 'response.metadata': keys are at most 64 characters and values strings of at most 512.",
                        "response.metadata." + key);
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
                            existing[field] = field == "turn_detection"
                                && fieldValue is JsonObject td ? TurnDetectionDefaults((JsonObject)td.DeepClone()) : fieldValue?.DeepClone();
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
            : new() { ["type"] = "server_vad", ["threshold"] = 0.5, ["prefix_padding_ms"] = 300, ["silence_duration_ms"] = 200,
                ["idle_timeout_ms"] = null, ["create_response"] = true, ["interrupt_response"] = true };
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
        node is JsonValue value
            && value.GetValueKind() == JsonValueKind.Number ? double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture) : null;

    /// <summary>A boolean flag; true when absent (the turn detection flags default to true).</summary>
    public static bool Flag(JsonNode? owner, string name) => owner?[name] is not JsonValue value || !value.TryGetValue<bool>(out var flag)
        || flag;

    private static ConfigError Invalid(string param) => new("invalid_value", $"Invalid value for '{param}'.", param);
}
