using System.Text;
using System.Text.Json.Nodes;
using AudioSdk.Realtime;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// A seeded generator of malformed server messages: every server event of the realtime reference for a dialect,
/// mutated (a value of the wrong type, a lone surrogate, a huge number, deep nesting, a missing field, another
/// event's type, a truncated text, bytes that are not UTF-8). The same seed gives the same messages.
/// </summary>
public sealed class ServerMessageMutator(int seed, RealtimeDialect dialect)
{
    private const string Placeholder = "\"@@MUTATION@@\"";

    private static readonly string[] OpenAITemplates =
    [
        """{"type":"session.created","event_id":"event_A1","session":{"type":"transcription","id":"sess_123","object":"realtime.transcription_session","audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"transcription":null,"turn_detection":{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,"silence_duration_ms":500},"noise_reduction":null}},"include":null}}""",
        """{"type":"transcription_session.created","event_id":"event_A0","session":{"id":"sess_beta"}}""",
        """{"type":"session.updated","event_id":"event_A2","session":{"type":"transcription","audio":{"input":{"format":{"type":"audio/pcm","rate":24000},"transcription":{"model":"gpt-live-transcribe","language":"en"},"turn_detection":null}}}}""",
        """{"type":"transcription_session.updated","event_id":"event_A3","session":{"input_audio_format":"pcm16"}}""",
        """{"type":"input_audio_buffer.committed","event_id":"event_B1","item_id":"item_001","previous_item_id":null}""",
        """{"type":"input_audio_buffer.cleared","event_id":"event_B2"}""",
        """{"type":"input_audio_buffer.speech_started","event_id":"event_C1","item_id":"item_002","audio_start_ms":1340}""",
        """{"type":"input_audio_buffer.speech_stopped","event_id":"event_C2","item_id":"item_002","audio_end_ms":3120}""",
        """{"type":"conversation.item.input_audio_transcription.delta","event_id":"event_D1","item_id":"item_001","content_index":0,"delta":"Hello"}""",
        """{"type":"conversation.item.input_audio_transcription.delta","event_id":"event_D4","item_id":"item_001","content_index":0,"delta":" there","logprobs":[{"token":" there","logprob":-0.01,"bytes":[32,116,104,101,114,101]}]}""",
        """{"type":"conversation.item.input_audio_transcription.completed","event_id":"event_D2","item_id":"item_001","content_index":0,"transcript":"Hello world.","usage":{"type":"tokens","input_tokens":14,"output_tokens":4,"total_tokens":18,"input_token_details":{"audio_tokens":14,"text_tokens":0}}}""",
        """{"type":"conversation.item.input_audio_transcription.completed","event_id":"event_D5","item_id":"item_003","content_index":0,"transcript":"Hi.","usage":{"type":"duration","seconds":1.25},"logprobs":[{"token":"Hi","logprob":-0.2,"bytes":[72,105]}]}""",
        """{"type":"conversation.item.input_audio_transcription.failed","event_id":"event_D3","item_id":"item_001","content_index":0,"error":{"type":"transcription_error","code":"audio_unintelligible","message":"...","param":null}}""",
        """{"type":"error","event_id":"event_E1","error":{"type":"invalid_request_error","code":"input_audio_buffer_commit_empty","message":"Error committing input audio buffer: buffer too small.","param":null,"event_id":"client_evt_7"}}""",
        """{"type":"conversation.item.input_audio_transcription.segment","event_id":"event_F1","id":"seg_1","item_id":"item_001","content_index":0,"start":0.0,"end":1.5,"speaker":"A","text":"Hello"}""",
        """{"type":"rate_limits.updated","event_id":"event_F2","rate_limits":[{"name":"requests","limit":100,"remaining":99,"reset_seconds":1.0}]}""",
    ];

    private static readonly string[] NativeTemplates =
    [
        """{"type":"session.created","id":"sess-5f0c3a9e2b6d4c7f8e1a2b3c4d5e6f70","created":1760000000}""",
        """{"type":"session.updated","model":"voxtral-mini-4b-realtime","timestamp_granularities":["segment"]}""",
        """{"type":"transcription.delta","delta":" Hello"}""",
        """{"type":"transcription.delta","delta":""}""",
        """{"type":"transcription.delta","delta":" world","logprobs":[{"token":" world","logprob":-0.1,"bytes":[32,119]}],"segments":[{"text":" world","end":1.2}]}""",
        """{"type":"transcription.done","text":" Hello world.","usage":{"prompt_tokens":39,"total_tokens":152,"completion_tokens":113,"prompt_tokens_details":null}}""",
        """{"type":"error","error":"Invalid audio data","code":"invalid_audio"}""",
        """{"type":"error","error":"engine failed","code":"processing_error"}""",
        """{"type":"error","error":"idle","code":null}""",
    ];

    private static readonly string[] BadValues =
    [
        "null", "true", "false", "0", "-1", "1e400", "-1e400", "123456789012345678901234567890", "0.5", "-0",
        "\"\"", "\"x\"", "\"\\ud800\"", "\"\\udc00tail\"", "\"a\\ud83d\"", "\"\\u0000\"",
        "[]", "{}", "[null]", "{\"a\":{\"b\":null}}", "[1,\"2\",null,{}]",
        new string('[', 80) + new string(']', 80), new string('[', 400) + new string(']', 400),
        "{\"x\":" + string.Concat(Enumerable.Repeat("{\"x\":", 70)) + "1" + new string('}', 71),
    ];

    private readonly Random _random = new(seed);

    /// <summary>The templates: every server event type of the reference for the dialect.</summary>
    public IReadOnlyList<string> Templates => dialect == RealtimeDialect.VllmNative ? NativeTemplates : OpenAITemplates;

    /// <summary>The next <paramref name="count"/> mutated messages, as WebSocket frames (opcode 1 text, 2 binary).</summary>
    public IEnumerable<(byte Opcode, byte[] Payload)> Next(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return One();
        }
    }

    private (byte Opcode, byte[] Payload) One()
    {
        var template = Templates[_random.Next(Templates.Count)];
        switch (_random.Next(10))
        {
            case < 4:
                return Text(ReplaceValues(template, 1));
            case 4:
                return Text(ReplaceValues(template, 2));
            case 5:
                return Text(RemoveProperty(template));
            case 6:
                return Text(SwapType(template));
            case 7:
                return Text(template[.._random.Next(template.Length)]);
            case 8:
                return (2, NotUtf8(template));
            default:
                return Text(Duplicate(template));
        }
    }

    private static (byte, byte[]) Text(string text) => (1, Encoding.UTF8.GetBytes(text));

    /// <summary>Puts a bad value in <paramref name="count"/> places (a place inside another replaced one just vanishes).</summary>
    private string ReplaceValues(string json, int count)
    {
        var root = JsonNode.Parse(json)!;
        var slots = new List<(JsonNode Parent, string? Key, int Index)>();
        Collect(root, slots);
        var chosen = Enumerable.Range(0, count).Select(_ => slots[_random.Next(slots.Count)]).ToList();
        foreach (var (parent, key, index) in chosen)
        {
            if (key is not null)
            {
                parent.AsObject()[key] = "@@MUTATION@@";
            }
            else
            {
                parent.AsArray()[index] = "@@MUTATION@@";
            }
        }

        var text = root.ToJsonString();
        for (var at = text.IndexOf(Placeholder, StringComparison.Ordinal); at >= 0; at = text.IndexOf(Placeholder, StringComparison.Ordinal))
        {
            text = text[..at] + BadValues[_random.Next(BadValues.Length)] + text[(at + Placeholder.Length)..];
        }

        return text;
    }

    private string RemoveProperty(string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        var keys = root.Select(p => p.Key).ToList();
        root.Remove(keys[_random.Next(keys.Count)]);
        return root.ToJsonString();
    }

    private string SwapType(string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        var other = JsonNode.Parse(Templates[_random.Next(Templates.Count)])!["type"]!.GetValue<string>();
        root["type"] = other;
        return root.ToJsonString();
    }

    private string Duplicate(string json)
    {
        var at = json.LastIndexOf('}');
        return json[..at] + ",\"type\":" + BadValues[_random.Next(BadValues.Length)] + "}";
    }

    private byte[] NotUtf8(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json).ToList();
        byte[][] invalid = [[0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]];
        bytes.InsertRange(_random.Next(bytes.Count), invalid[_random.Next(invalid.Length)]);
        return [.. bytes];
    }

    private static void Collect(JsonNode node, List<(JsonNode, string?, int)> slots)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    slots.Add((obj, key, -1));
                    if (value is not null)
                    {
                        Collect(value, slots);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    slots.Add((array, null, i));
                    if (array[i] is { } item)
                    {
                        Collect(item, slots);
                    }
                }

                break;
        }
    }
}
