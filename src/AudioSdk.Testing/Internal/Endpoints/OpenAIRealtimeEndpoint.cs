using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace AudioSdk.Testing.Internal.Endpoints;

/// <summary>
/// OpenAI's transcription dialect, in OpenAI's flavour (GA <c>session.update</c> at 24 kHz only, acknowledgements,
/// echoed event ids, server VAD) or Tinfoil's (any rate, beta updates ignored, no usage, committed after the deltas,
/// a malformed message drops the connection).
/// </summary>
internal sealed class OpenAIRealtimeEndpoint(WebSocket socket, ReceivedRealtimeSession record, AudioTestServerOptions options,
    Func<string?, RealtimeScriptedAction?> takeScript, CancellationToken aborted)
    : RealtimeEndpoint(socket, record, options, takeScript, aborted)
{
    private int _itemCounter;
    private string? _previousItem;
    private int _rate = 24000;
    private ServerVad? _vad;

    private bool Tinfoil => Options.RealtimeFlavor == RealtimeServerFlavor.Tinfoil;

    protected override Task GreetAsync()
    {
        Record.SampleRate = _rate;
        return SendEventAsync(new JsonObject { ["type"] = "session.created", ["session"] = SessionObject(created: true) });
    }

    protected override async Task<bool> HandleMalformedAsync()
    {
        if (Tinfoil)
        {
            Abort?.Invoke();
            return false;
        }

        await ErrorAsync("invalid_request_error", "invalid_json", "The message is not valid JSON.", null).ConfigureAwait(false);
        return true;
    }

    protected override async Task HandleAsync(string? type, JsonObject msg)
    {
        var clientEventId = Text(msg["event_id"]);
        switch (type)
        {
            case "session.update":
                await SessionUpdateAsync(msg["session"] as JsonObject, clientEventId).ConfigureAwait(false);
                break;
            case "transcription_session.update":
                if (!Tinfoil)
                {
                    await ErrorAsync("invalid_request_error", "beta_api_removed",
                        "The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.",
                        clientEventId).ConfigureAwait(false);
                }

                break;
            case "input_audio_buffer.append":
                if (Base64(msg) is not { } audio)
                {
                    await ErrorAsync("invalid_request_error", "invalid_audio", "The audio is not valid base64.",
                        clientEventId).ConfigureAwait(false);
                    break;
                }

                Buffer.Write(audio);
                if (_vad is not null)
                {
                    await VadAsync(audio).ConfigureAwait(false);
                }

                break;
            case "input_audio_buffer.commit":
                if (Buffer.Length == 0)
                {
                    await ErrorAsync(
                        "invalid_request_error",
                        "input_audio_buffer_commit_empty",
                        Tinfoil ? "buffer too small: no audio to commit" : "Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has 0.00ms of audio.",
                        Tinfoil ? null : clientEventId).ConfigureAwait(false);
                    break;
                }

                await CompleteTurnAsync().ConfigureAwait(false);
                break;
            case "input_audio_buffer.clear":
                Buffer.SetLength(0);
                await SendEventAsync(new JsonObject { ["type"] = "input_audio_buffer.cleared" }).ConfigureAwait(false);
                break;
            default:
                if (!Tinfoil)
                {
                    await ErrorAsync("invalid_request_error", "invalid_value",
                        $"Invalid value: '{type}'. Supported values are client events.", clientEventId, "type").ConfigureAwait(false);
                }

                break;
        }
    }

    private async Task SessionUpdateAsync(JsonObject? session, string? clientEventId)
    {
        var format = session?["audio"]?["input"]?["format"];
        var formatType = Text(format?["type"]) ?? string.Empty;
        var rate = format?["rate"]?.GetValue<int>() ?? 24000;
        if (formatType is not ("audio/pcm" or "pcm16" or ""))
        {
            await ErrorAsync("invalid_request_error", "unsupported_audio_format", $"Unsupported audio format '{formatType}'.",
                clientEventId).ConfigureAwait(false);
            return;
        }

        if (!Tinfoil && (Text(session?["type"]) != "transcription" || rate != 24000))
        {
            await ErrorAsync("invalid_request_error", "invalid_value",
                rate != 24000 ? "Only a 24kHz sample rate is supported." : "session.type must be 'transcription'.", clientEventId,
                rate != 24000 ? "session.audio.input.format.rate" : "session.type").ConfigureAwait(false);
            return;
        }

        _rate = rate;
        Record.SampleRate = rate;
        var vad = session?["audio"]?["input"]?["turn_detection"];
        _vad = !Tinfoil && Text(vad?["type"]) == "server_vad"
            ? new ServerVad(rate, vad!["silence_duration_ms"]?.GetValue<int>() ?? 500, vad["prefix_padding_ms"]?.GetValue<int>() ?? 300)
            : null;

        await SendEventAsync(new JsonObject { ["type"] = "session.updated",
            ["session"] = SessionObject(created: false, session) }).ConfigureAwait(false);
    }

    /// <summary>Commits the buffer as an item: OpenAI sends committed, deltas, completed with usage; Tinfoil deltas, committed, completed
    /// without usage.</summary>
    private async Task CompleteTurnAsync()
    {
        var itemId = "item_" + (_itemCounter++).ToString("D3", CultureInfo.InvariantCulture);
        var utterance = Transcribe(itemId, _rate);
        var committed = new JsonObject { ["type"] = "input_audio_buffer.committed", ["item_id"] = itemId };
        if (!Tinfoil)
        {
            committed["previous_item_id"] = _previousItem;
            await SendEventAsync(committed).ConfigureAwait(false);
        }

        foreach (var word in utterance.Transcript.Split(' '))
        {
            var delta = new JsonObject { ["type"] = "conversation.item.input_audio_transcription.delta", ["item_id"] = itemId,
                ["delta"] = " " + word };
            if (!Tinfoil)
            {
                delta["content_index"] = 0;
            }

            await SendEventAsync(delta).ConfigureAwait(false);
        }

        if (Tinfoil)
        {
            await SendEventAsync(committed).ConfigureAwait(false);
        }

        var completed = new JsonObject { ["type"] = "conversation.item.input_audio_transcription.completed", ["item_id"] = itemId,
            ["transcript"] = utterance.Transcript };
        if (!Tinfoil)
        {
            completed["content_index"] = 0;
            var output = utterance.Transcript.Split(' ').Length;
            var input = (int)Math.Ceiling(utterance.Duration.TotalSeconds * 10);
            completed["usage"] = new JsonObject
            {
                ["type"] = "tokens",
                ["input_tokens"] = input,
                ["output_tokens"] = output,
                ["total_tokens"] = input + output,
                ["input_token_details"] = new JsonObject { ["audio_tokens"] = input, ["text_tokens"] = 0 },
            };
        }

        await SendEventAsync(completed).ConfigureAwait(false);
        _previousItem = itemId;
    }

    /// <summary>Server VAD: speech_started, then after the silence duration speech_stopped and a commit.</summary>
    private async Task VadAsync(byte[] audio)
    {
        foreach (var (started, ms) in _vad!.Feed(audio))
        {
            if (started)
            {
                await SendEventAsync(new JsonObject { ["type"] = "input_audio_buffer.speech_started", ["item_id"] = NextItemId(),
                    ["audio_start_ms"] = ms }).ConfigureAwait(false);
            }
            else
            {
                await SendEventAsync(new JsonObject { ["type"] = "input_audio_buffer.speech_stopped", ["item_id"] = NextItemId(),
                    ["audio_end_ms"] = ms }).ConfigureAwait(false);
                await CompleteTurnAsync().ConfigureAwait(false);
            }
        }
    }

    private string NextItemId() => "item_" + _itemCounter.ToString("D3", CultureInfo.InvariantCulture);

    private JsonObject SessionObject(bool created, JsonObject? requested = null)
    {
        var input = new JsonObject
        {
            ["format"] = new JsonObject { ["type"] = "audio/pcm", ["rate"] = _rate },
            ["transcription"] = Tinfoil
                ? new JsonObject { ["model"] = "voxtral-mini-4b-realtime" }
                : requested?["audio"]?["input"]?["transcription"]?.DeepClone(),
        };
        if (!Tinfoil)
        {
            input["turn_detection"] = created
                ? new JsonObject { ["type"] = "server_vad", ["threshold"] = 0.5, ["prefix_padding_ms"] = 300,
                    ["silence_duration_ms"] = 500 }
                : requested?["audio"]?["input"]?["turn_detection"]?.DeepClone();
            input["noise_reduction"] = null;
        }

        var session = new JsonObject { ["type"] = "transcription", ["audio"] = new JsonObject { ["input"] = input } };
        if (!Tinfoil)
        {
            session["id"] = "sess_" + Guid.NewGuid().ToString("N")[..12];
            session["object"] = "realtime.transcription_session";
            session["include"] = null;
        }

        return session;
    }

    private Task ErrorAsync(string type, string code, string message, string? clientEventId, string? param = null)
    {
        var error = new JsonObject { ["type"] = type, ["code"] = code, ["message"] = message };
        if (!Tinfoil)
        {
            error["param"] = param;
            error["event_id"] = clientEventId;
        }

        return SendEventAsync(new JsonObject { ["type"] = "error", ["error"] = error });
    }
}
