using System.Text.Json.Nodes;
using static AudioSdk.Testing.Internal.ConversationConfig;

namespace AudioSdk.Testing.Internal.Endpoints;

/// <summary>The input audio buffer: appends, server VAD turns, commits and input transcripts.</summary>
internal sealed partial class ConversationRealtimeEndpoint
{
    private static ServerVad? VadOf(JsonObject session) =>
        session["audio"]?["input"]?["turn_detection"] is JsonObject vad && Text(vad["type"]) is "server_vad" or "semantic_vad"
            ? new ServerVad(Rate, Text(vad["type"]) == "semantic_vad" ? 500 : (int?)Number(vad["silence_duration_ms"]) ?? 200,
                (int?)Number(vad["prefix_padding_ms"]) ?? 300)
            : null;

    private JsonNode? TurnDetection => _session["audio"]?["input"]?["turn_detection"];

    private async Task AppendAsync(JsonObject msg, string? eventId)
    {
        if (Base64(msg) is not { } audio)
        {
            await ErrorAsync("invalid_value", "The audio is not valid base64.", eventId, "audio").ConfigureAwait(false);
            return;
        }

        if (audio.Length > MaxAppendBytes)
        {
            await ErrorAsync("invalid_value", "An append carries at most 15 MiB of audio.", eventId, "audio").ConfigureAwait(false);
            return;
        }

        if (_vad is { Speaking: false } && Buffer.Length + audio.Length > MaxIdleBufferBytes)
        {
            // Nobody is speaking: keep only the latest audio, whole samples.
            var keep = (int)Math.Max(0, MaxIdleBufferBytes - audio.Length) & ~1;
            var tail = Buffer.GetBuffer().AsSpan((int)Buffer.Length - Math.Min(keep, (int)Buffer.Length & ~1)).ToArray();
            Buffer.SetLength(0);
            Buffer.Write(tail);
        }

        if (Buffer.Length + audio.Length > MaxBufferBytes)
        {
            await ErrorAsync("input_audio_buffer_full", "The input audio buffer holds at most 10 minutes of audio; commit or clear it.",
                eventId, "audio").ConfigureAwait(false);
            return;
        }

        Buffer.Write(audio);
        await VadAsync(audio).ConfigureAwait(false);
    }

    private async Task VadAsync(byte[] audio)
    {
        if (_vad is null)
        {
            return;
        }

        foreach (var (started, ms) in _vad.Feed(audio))
        {
            if (started)
            {
                _speechItem = NextId("item");
                await SendEventAsync(new JsonObject { ["type"] = "input_audio_buffer.speech_started", ["item_id"] = _speechItem,
                    ["audio_start_ms"] = ms }).ConfigureAwait(false);
                if (Flag(TurnDetection, "interrupt_response"))
                {
                    Cancel(null, "turn_detected");
                }
            }
            else
            {
                var itemId = _speechItem ?? NextId("item");
                _speechItem = null;
                await SendEventAsync(new JsonObject { ["type"] = "input_audio_buffer.speech_stopped", ["item_id"] = itemId,
                    ["audio_end_ms"] = ms }).ConfigureAwait(false);
                if (Buffer.Length == 0)
                {
                    continue;
                }

                await CommitAsync(itemId).ConfigureAwait(false);
                if (Flag(TurnDetection, "create_response"))
                {
                    await CreateResponseAsync(null, null, automatic: true).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task CommitAsync(string itemId)
    {
        var heard = Transcribe(itemId, Rate);
        var item = new Item(itemId, "message", "user")
        {
            Heard = heard,
            Audio = heard.Bytes,
            Json = new JsonObject { ["id"] = itemId, ["object"] = "realtime.item", ["type"] = "message", ["status"] = "completed",
                ["role"] = "user", ["content"] = new JsonArray(new JsonObject { ["type"] = "input_audio", ["transcript"] = null }) },
        };
        var previous = Insert(item, null);
        await SendEventAsync(new JsonObject { ["type"] = "input_audio_buffer.committed", ["item_id"] = itemId,
            ["previous_item_id"] = previous }).ConfigureAwait(false);
        await ItemAddedAndDoneAsync(item, previous).ConfigureAwait(false);
        await InputTranscriptionAsync(item).ConfigureAwait(false);
    }

    /// <summary>With <c>audio.input.transcription</c> set: a delta and the completed transcript ("Heard D seconds at F Hz.").</summary>
    private async Task InputTranscriptionAsync(Item item)
    {
        if (_session["audio"]?["input"]?["transcription"] is not JsonObject || item.Heard is not { } heard)
        {
            return;
        }

        await SendEventAsync(new JsonObject { ["type"] = "conversation.item.input_audio_transcription.delta", ["item_id"] = item.Id,
            ["content_index"] = 0, ["delta"] = heard.Transcript }).ConfigureAwait(false);
        await SendEventAsync(new JsonObject
        {
            ["type"] = "conversation.item.input_audio_transcription.completed",
            ["item_id"] = item.Id,
            ["content_index"] = 0,
            ["transcript"] = heard.Transcript,
            ["usage"] = new JsonObject { ["type"] = "duration", ["seconds"] = Math.Round(heard.Duration.TotalSeconds, 3) },
        }).ConfigureAwait(false);
    }
}
