using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AudioSdk.Testing.Internal;

/// <summary>
/// <c>/v1/realtime</c> in both dialects, faithful to the reference including its quirks. Transcripts are derived
/// from the audio received: "Heard D seconds at F Hz.", so a test can tell whether audio arrived whole and at the right rate.
/// </summary>
internal sealed class RealtimeEndpoint(WebSocket socket, ReceivedRealtimeSession record, AudioTestServerOptions options, Func<string?, RealtimeScriptedAction?> takeScript, CancellationToken aborted)
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly MemoryStream _buffer = new();
    private int _eventCounter;
    private int _itemCounter;
    private string? _previousItem;

    // OpenAI dialect state.
    private int _rate = 24000;
    private bool _serverVad;
    private int _silenceMs = 500;
    private int _prefixMs = 300;
    private bool _speaking;
    private int _silentFrames;
    private long _speechStartSample;
    private long _lastActiveSample;
    private long _sessionSamples;
    private readonly MemoryStream _frame = new();

    // Native dialect state.
    private bool _validated;
    private bool _generating;
    private bool _finalReceived;

    public Action? Abort { get; init; }

    public async Task RunAsync(bool native)
    {
        record.SampleRate = native ? 16000 : 24000;
        if (await RunScriptAsync(null).ConfigureAwait(false) is { } stop && stop)
        {
            return;
        }

        if (native)
        {
            await SendAsync(new JsonObject { ["type"] = "session.created", ["id"] = "sess-" + Guid.NewGuid().ToString("N"), ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() }).ConfigureAwait(false);
        }
        else
        {
            await SendOpenAIAsync(new JsonObject { ["type"] = "session.created", ["session"] = SessionObject(created: true) }).ConfigureAwait(false);
        }

        var receive = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (socket.State == WebSocketState.Open)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(receive, aborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                break;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).ConfigureAwait(false);
                }

                break;
            }

            message.Write(receive, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }

            var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
            message.SetLength(0);
            record.ClientMessages.Enqueue(text);
            if (!await HandleAsync(text, native).ConfigureAwait(false))
            {
                break;
            }
        }

        record.Ended = true;
    }

    /// <summary>Handles one client message; false ends the connection.</summary>
    private async Task<bool> HandleAsync(string text, bool native)
    {
        JsonObject? msg;
        try
        {
            msg = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            msg = null;
        }

        var type = msg?["type"]?.GetValueKind() == JsonValueKind.String ? msg["type"]!.GetValue<string>() : null;
        if (await RunScriptAsync(type).ConfigureAwait(false) is { } stop)
        {
            return !stop && socket.State == WebSocketState.Open;
        }

        if (msg is null)
        {
            if (native)
            {
                await NativeErrorAsync("Invalid JSON", "invalid_json").ConfigureAwait(false);
                return true;
            }

            if (options.RealtimeFlavor == RealtimeServerFlavor.Tinfoil)
            {
                Abort?.Invoke();
                return false;
            }

            await OpenAIErrorAsync("invalid_request_error", "invalid_json", "The message is not valid JSON.", null).ConfigureAwait(false);
            return true;
        }

        if (native)
        {
            await HandleNativeAsync(type, msg).ConfigureAwait(false);
        }
        else
        {
            await HandleOpenAIAsync(type, msg).ConfigureAwait(false);
        }

        return true;
    }

    private async Task HandleNativeAsync(string? type, JsonObject msg)
    {
        switch (type)
        {
            case "session.update":
                var model = msg["model"]?.GetValue<string>();
                if (string.IsNullOrEmpty(model))
                {
                    await NativeErrorAsync("Missing required field: model", "invalid_event").ConfigureAwait(false);
                }
                else if (!options.RealtimeModels.Contains(model))
                {
                    await NativeErrorAsync($"The model `{model}` does not exist.", "model_not_found").ConfigureAwait(false);
                }
                else
                {
                    _validated = true;
                }

                break;
            case "input_audio_buffer.append":
                var audio = Base64(msg) ?? [];
                if (audio.Length == 0 || audio.Length % 2 == 1)
                {
                    await NativeErrorAsync("Invalid audio data", "invalid_audio").ConfigureAwait(false);
                }
                else if (!_finalReceived)
                {
                    _buffer.Write(audio);
                }

                break;
            case "input_audio_buffer.commit":
                if (!_validated)
                {
                    await NativeErrorAsync("Model not validated. Make sure to validate the model by sending a session.update event.", "model_not_validated").ConfigureAwait(false);
                    break;
                }

                var final = msg["final"]?.GetValueKind() == JsonValueKind.True;
                if (!final)
                {
                    if (!_generating)
                    {
                        _generating = true;
                        _finalReceived = false;
                    }

                    break;
                }

                if (!_generating)
                {
                    break;
                }

                _finalReceived = true;
                var utterance = Transcribe(string.Empty, 16000);
                var words = utterance.Transcript.Split(' ');
                var sent = new StringBuilder();
                foreach (var word in words)
                {
                    await SendAsync(new JsonObject { ["type"] = "transcription.delta", ["delta"] = string.Empty }).ConfigureAwait(false);
                    var delta = " " + word;
                    sent.Append(delta);
                    await SendAsync(new JsonObject { ["type"] = "transcription.delta", ["delta"] = delta }).ConfigureAwait(false);
                }

                var completion = (int)Math.Ceiling(utterance.Duration.TotalSeconds / 0.08);
                await SendAsync(new JsonObject
                {
                    ["type"] = "transcription.done",
                    ["text"] = sent.ToString(),
                    ["usage"] = new JsonObject { ["prompt_tokens"] = 39, ["total_tokens"] = 39 + completion, ["completion_tokens"] = completion, ["prompt_tokens_details"] = null },
                }).ConfigureAwait(false);
                _generating = false;
                break;
            default:
                await NativeErrorAsync($"Unknown event type: {type}", "unknown_event").ConfigureAwait(false);
                break;
        }
    }

    private async Task HandleOpenAIAsync(string? type, JsonObject msg)
    {
        var tinfoil = options.RealtimeFlavor == RealtimeServerFlavor.Tinfoil;
        var clientEventId = msg["event_id"]?.GetValue<string>();
        switch (type)
        {
            case "session.update":
                var session = msg["session"] as JsonObject;
                var format = session?["audio"]?["input"]?["format"];
                var formatType = format?["type"]?.GetValue<string>() ?? string.Empty;
                var rate = format?["rate"]?.GetValue<int>() ?? 24000;
                if (formatType is not ("audio/pcm" or "pcm16" or ""))
                {
                    await OpenAIErrorAsync("invalid_request_error", "unsupported_audio_format", $"Unsupported audio format '{formatType}'.", clientEventId).ConfigureAwait(false);
                    break;
                }

                if (!tinfoil && (session?["type"]?.GetValue<string>() != "transcription" || rate != 24000))
                {
                    await OpenAIErrorAsync("invalid_request_error", "invalid_value", rate != 24000 ? "Only a 24kHz sample rate is supported." : "session.type must be 'transcription'.", clientEventId, rate != 24000 ? "session.audio.input.format.rate" : "session.type").ConfigureAwait(false);
                    break;
                }

                _rate = rate;
                record.SampleRate = rate;
                var vad = session?["audio"]?["input"]?["turn_detection"];
                _serverVad = !tinfoil && vad?["type"]?.GetValue<string>() == "server_vad";
                if (_serverVad)
                {
                    _silenceMs = vad!["silence_duration_ms"]?.GetValue<int>() ?? 500;
                    _prefixMs = vad["prefix_padding_ms"]?.GetValue<int>() ?? 300;
                }

                await SendOpenAIAsync(new JsonObject { ["type"] = "session.updated", ["session"] = SessionObject(created: false, session) }).ConfigureAwait(false);
                break;
            case "transcription_session.update":
                if (!tinfoil)
                {
                    await OpenAIErrorAsync("invalid_request_error", "beta_api_removed", "The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.", clientEventId).ConfigureAwait(false);
                }

                break;
            case "input_audio_buffer.append":
                if (Base64(msg) is not { } audio)
                {
                    await OpenAIErrorAsync("invalid_request_error", "invalid_audio", "The audio is not valid base64.", clientEventId).ConfigureAwait(false);
                    break;
                }

                _buffer.Write(audio);
                if (_serverVad)
                {
                    await VadAsync(audio).ConfigureAwait(false);
                }

                break;
            case "input_audio_buffer.commit":
                if (_buffer.Length == 0)
                {
                    await OpenAIErrorAsync(
                        "invalid_request_error",
                        "input_audio_buffer_commit_empty",
                        tinfoil ? "buffer too small: no audio to commit" : "Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has 0.00ms of audio.",
                        tinfoil ? null : clientEventId).ConfigureAwait(false);
                    break;
                }

                await CompleteTurnAsync().ConfigureAwait(false);
                break;
            case "input_audio_buffer.clear":
                _buffer.SetLength(0);
                await SendOpenAIAsync(new JsonObject { ["type"] = "input_audio_buffer.cleared" }).ConfigureAwait(false);
                break;
            default:
                if (!tinfoil)
                {
                    await OpenAIErrorAsync("invalid_request_error", "invalid_value", $"Invalid value: '{type}'. Supported values are client events.", clientEventId, "type").ConfigureAwait(false);
                }

                break;
        }
    }

    /// <summary>Commits the buffer as an item: OpenAI sends committed, deltas, completed with usage; Tinfoil deltas, committed, completed without usage.</summary>
    private async Task CompleteTurnAsync()
    {
        var tinfoil = options.RealtimeFlavor == RealtimeServerFlavor.Tinfoil;
        var itemId = "item_" + (_itemCounter++).ToString("D3", CultureInfo.InvariantCulture);
        var utterance = Transcribe(itemId, _rate);
        var committed = new JsonObject { ["type"] = "input_audio_buffer.committed", ["item_id"] = itemId };
        if (!tinfoil)
        {
            committed["previous_item_id"] = _previousItem;
            await SendOpenAIAsync(committed).ConfigureAwait(false);
        }

        foreach (var word in utterance.Transcript.Split(' '))
        {
            var delta = new JsonObject { ["type"] = "conversation.item.input_audio_transcription.delta", ["item_id"] = itemId, ["delta"] = " " + word };
            if (!tinfoil)
            {
                delta["content_index"] = 0;
            }

            await SendOpenAIAsync(delta).ConfigureAwait(false);
        }

        if (tinfoil)
        {
            await SendOpenAIAsync(committed).ConfigureAwait(false);
        }

        var completed = new JsonObject { ["type"] = "conversation.item.input_audio_transcription.completed", ["item_id"] = itemId, ["transcript"] = utterance.Transcript };
        if (!tinfoil)
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

        await SendOpenAIAsync(completed).ConfigureAwait(false);
        _previousItem = itemId;
    }

    /// <summary>Server VAD: 20 ms frames above -40 dBFS are speech; speech_started, then after the silence duration speech_stopped and a commit.</summary>
    private async Task VadAsync(byte[] audio)
    {
        var frameBytes = _rate / 50 * 2;
        _frame.Write(audio);
        var data = _frame.GetBuffer();
        var offset = 0;
        while (_frame.Length - offset >= frameBytes)
        {
            double sum = 0;
            for (var i = 0; i < frameBytes; i += 2)
            {
                var s = BitConverter.ToInt16(data, offset + i) / 32768.0;
                sum += s * s;
            }

            offset += frameBytes;
            var frameStart = _sessionSamples;
            _sessionSamples += frameBytes / 2;
            var active = Math.Sqrt(sum / (frameBytes / 2)) > 0.01;
            if (active)
            {
                _silentFrames = 0;
                _lastActiveSample = _sessionSamples;
                if (!_speaking)
                {
                    _speaking = true;
                    _speechStartSample = frameStart;
                    var startMs = Math.Max(0, (int)(frameStart * 1000 / _rate) - _prefixMs);
                    await SendOpenAIAsync(new JsonObject { ["type"] = "input_audio_buffer.speech_started", ["item_id"] = "item_" + _itemCounter.ToString("D3", CultureInfo.InvariantCulture), ["audio_start_ms"] = startMs }).ConfigureAwait(false);
                }
            }
            else if (_speaking && ++_silentFrames * 20 >= _silenceMs)
            {
                _speaking = false;
                await SendOpenAIAsync(new JsonObject { ["type"] = "input_audio_buffer.speech_stopped", ["item_id"] = "item_" + _itemCounter.ToString("D3", CultureInfo.InvariantCulture), ["audio_end_ms"] = (int)(_lastActiveSample * 1000 / _rate) }).ConfigureAwait(false);
                await CompleteTurnAsync().ConfigureAwait(false);
            }
        }

        var rest = data.AsSpan(offset, (int)_frame.Length - offset).ToArray();
        _frame.SetLength(0);
        _frame.Write(rest);
    }

    private static byte[]? Base64(JsonObject msg)
    {
        try
        {
            return Convert.FromBase64String(msg["audio"]?.GetValue<string>() ?? string.Empty);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private ReceivedUtterance Transcribe(string itemId, int rate)
    {
        var bytes = _buffer.ToArray();
        _buffer.SetLength(0);
        var duration = TimeSpan.FromSeconds(bytes.Length / 2.0 / rate);
        var activity = PcmActivity.Create(rate, 1, 16, 1)!;
        activity.Feed(bytes);
        var bursts = activity.Finish();
        var frequency = bursts.Count == 0 ? 0 : bursts.MaxBy(b => b.End - b.Start)!.FrequencyHz;
        var transcript = string.Create(CultureInfo.InvariantCulture, $"Heard {duration.TotalSeconds:0.00} seconds at {frequency:0} Hz.");
        var utterance = new ReceivedUtterance(itemId, bytes, rate, duration, frequency, transcript);
        record.Utterances.Enqueue(utterance);
        return utterance;
    }

    private JsonObject SessionObject(bool created, JsonObject? requested = null)
    {
        var tinfoil = options.RealtimeFlavor == RealtimeServerFlavor.Tinfoil;
        var input = new JsonObject
        {
            ["format"] = new JsonObject { ["type"] = "audio/pcm", ["rate"] = _rate },
            ["transcription"] = tinfoil
                ? new JsonObject { ["model"] = "voxtral-mini-4b-realtime" }
                : requested?["audio"]?["input"]?["transcription"]?.DeepClone(),
        };
        if (!tinfoil)
        {
            input["turn_detection"] = created
                ? new JsonObject { ["type"] = "server_vad", ["threshold"] = 0.5, ["prefix_padding_ms"] = 300, ["silence_duration_ms"] = 500 }
                : requested?["audio"]?["input"]?["turn_detection"]?.DeepClone();
            input["noise_reduction"] = null;
        }

        var session = new JsonObject { ["type"] = "transcription", ["audio"] = new JsonObject { ["input"] = input } };
        if (!tinfoil)
        {
            session["id"] = "sess_" + Guid.NewGuid().ToString("N")[..12];
            session["object"] = "realtime.transcription_session";
            session["include"] = null;
        }

        return session;
    }

    /// <summary>Runs the next scripted action for this trigger. Null: none; true: the connection ended; false: handled, go on without normal handling.</summary>
    private async Task<bool?> RunScriptAsync(string? trigger)
    {
        var action = takeScript(trigger);
        if (action is null)
        {
            return null;
        }

        if (action.Delay > TimeSpan.Zero)
        {
            await Task.Delay(action.Delay, aborted).ConfigureAwait(false);
        }

        if (action.Send is { } text)
        {
            await SendTextAsync(text).ConfigureAwait(false);
        }

        if (action.DropConnection)
        {
            Abort?.Invoke();
            return true;
        }

        if (action.CloseStatus is { } status)
        {
            await socket.CloseAsync(status, action.CloseReason, CancellationToken.None).ConfigureAwait(false);
            return true;
        }

        return action.SkipNormalHandling ? false : null;
    }

    private Task NativeErrorAsync(string message, string code) => SendAsync(new JsonObject { ["type"] = "error", ["error"] = message, ["code"] = code });

    private Task OpenAIErrorAsync(string type, string code, string message, string? clientEventId, string? param = null)
    {
        var error = new JsonObject { ["type"] = type, ["code"] = code, ["message"] = message };
        if (options.RealtimeFlavor == RealtimeServerFlavor.OpenAI)
        {
            error["param"] = param;
            error["event_id"] = clientEventId;
        }

        return SendOpenAIAsync(new JsonObject { ["type"] = "error", ["error"] = error });
    }

    private Task SendOpenAIAsync(JsonObject evt)
    {
        var ordered = new JsonObject { ["type"] = evt["type"]!.DeepClone(), ["event_id"] = "event_" + Interlocked.Increment(ref _eventCounter).ToString("D4", CultureInfo.InvariantCulture) };
        foreach (var pair in evt.ToList())
        {
            if (pair.Key != "type")
            {
                evt.Remove(pair.Key);
                ordered[pair.Key] = pair.Value;
            }
        }

        return SendAsync(ordered);
    }

    private Task SendAsync(JsonObject evt) => SendTextAsync(evt.ToJsonString());

    private async Task SendTextAsync(string text)
    {
        await _sendLock.WaitAsync(aborted).ConfigureAwait(false);
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, aborted).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
