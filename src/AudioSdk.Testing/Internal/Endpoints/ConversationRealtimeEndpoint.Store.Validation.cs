using System.Text.Json.Nodes;
using static AudioSdk.Testing.Internal.ConversationConfig;

namespace AudioSdk.Testing.Internal.Endpoints;

internal sealed partial class ConversationRealtimeEndpoint
{
    /// <summary>An item the client created, checked as the reference describes.</summary>
    private (Item? Item, ConfigError? Error) ItemOf(string id, JsonObject input)
    {
        var json = (JsonObject)input.DeepClone();
        json["id"] = id;
        json["object"] = "realtime.item";
        json["status"] = "completed";
        switch (Text(input["type"]))
        {
            case "message":
                var role = Text(input["role"]);
                if (role is not ("user" or "system" or "assistant"))
                {
                    return (null, new("invalid_value", "Invalid 'item.role': use 'user', 'system' or 'assistant'.", "item.role"));
                }

                if (input["content"] is not JsonArray { Count: > 0 } parts)
                {
                    return (null, new("missing_required_parameter", "Missing required parameter: 'item.content'.", "item.content"));
                }

                var item = new Item(id, "message", role) { Json = json };
                var texts = new List<string>();
                for (var i = 0; i < parts.Count; i++)
                {
                    var type = Text(parts[i]?["type"]);
                    var allowed = role switch
                    {
                        "user" => type is "input_text" or "input_audio" or "input_image",
                        "system" => type is "input_text",
                        _ => type is "output_text" or "output_audio",
                    };
                    if (!allowed)
                    {
                        return (null,
                            new("invalid_value", $"Invalid 'item.content[{i}].type' for a {role} message.", $"item.content[{i}].type"));
                    }

                    if (type is "input_text" or "output_text" or "output_audio" && Text(parts[i]?["text"]) is null)
                    {
                        // An assistant output_audio part cannot be replayed: the server wants its transcript as text.
                        return (null,
                            new("missing_required_parameter", $"Missing required parameter: 'item.content[{i}].text'.",
                            $"item.content[{i}].text"));
                    }

                    if (type is "input_text" or "output_text")
                    {
                        texts.Add(Text(parts[i]!["text"])!);
                    }
                    else if (type == "input_audio")
                    {
                        byte[]? audio;
                        try
                        {
                            audio = Convert.FromBase64String(Text(parts[i]?["audio"]) ?? string.Empty);
                        }
                        catch (FormatException)
                        {
                            audio = null;
                        }

                        if (audio is null or { Length: 0 } || audio.Length > MaxAppendBytes)
                        {
                            return (null,
                                new("invalid_value", $"Invalid 'item.content[{i}].audio': base64 PCM16 at 24 kHz, at most 15 MiB.",
                                $"item.content[{i}].audio"));
                        }

                        item.Audio = audio;
                        ((JsonObject)json["content"]![i]!).Remove("audio");
                        json["content"]![i]!["transcript"] ??= null;
                    }
                    else if (type == "input_image" && Text(parts[i]?["image_url"]) is null)
                    {
                        return (null,
                            new("missing_required_parameter", $"Missing required parameter: 'item.content[{i}].image_url'.",
                            $"item.content[{i}].image_url"));
                    }
                }

                if (item.Audio is { } bytes)
                {
                    // Heard as an appended turn would be, without disturbing audio appended but not yet committed.
                    var pending = Buffer.ToArray();
                    Buffer.SetLength(0);
                    Buffer.Write(bytes);
                    item.Heard = Transcribe(id, Rate);
                    Buffer.Write(pending);
                }

                item.Said = texts.Count > 0 ? string.Join(" ", texts) : null;
                return (item, null);
            case "function_call":
                foreach (var field in new[] { "call_id", "name", "arguments" })
                {
                    if (Text(input[field]) is null)
                    {
                        return (null, new("missing_required_parameter", $"Missing required parameter: 'item.{field}'.", $"item.{field}"));
                    }
                }

                return (new Item(id, "function_call", null) { Json = json, CallId = Text(input["call_id"]) }, null);
            case "function_call_output":
                var callId = Text(input["call_id"]);
                if (callId is null || Text(input["output"]) is not { } output)
                {
                    return (null, new("missing_required_parameter", $"Missing required parameter: 'item.{(callId is null ? "call_id" : "output")}'.", callId is null ? "item.call_id" : "item.output"));
                }

                bool known;
                lock (_gate)
                {
                    known = _items.Exists(i => i.Type == "function_call" && i.CallId == callId);
                }

                return known
                    ? (new Item(id, "function_call_output", null) { Json = json, CallId = callId, Said = output }, null)
                    : (null, new("invalid_value", $"No function call with call_id '{callId}' found.", "item.call_id"));
            default:
                return (null,
                    new("invalid_value", "Invalid 'item.type': use 'message', 'function_call' or 'function_call_output'.", "item.type"));
        }
    }
}
