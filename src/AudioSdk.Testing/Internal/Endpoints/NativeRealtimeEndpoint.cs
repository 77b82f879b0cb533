using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AudioSdk.Testing.Internal.Endpoints;

/// <summary>
/// vLLM's native dialect as upstream serves it: <c>session.created</c> at once, <c>session.update {model}</c> with no
/// reply on success, a non-final commit starts a generation, the final commit ends it with deltas (empty ones
/// included) and <c>transcription.done</c>; flat string errors; audio after the final commit is dropped.
/// </summary>
internal sealed class NativeRealtimeEndpoint(WebSocket socket, ReceivedRealtimeSession record, AudioTestServerOptions options,
    Func<string?, RealtimeScriptedAction?> takeScript, CancellationToken aborted)
    : RealtimeEndpoint(socket, record, options, takeScript, aborted)
{
    private const int Rate = 16000;
    private bool _validated;
    private bool _generating;
    private bool _finalReceived;

    protected override Task GreetAsync()
    {
        Record.SampleRate = Rate;
        return SendAsync(new JsonObject { ["type"] = "session.created", ["id"] = "sess-" + Guid.NewGuid().ToString("N"),
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() });
    }

    protected override async Task<bool> HandleMalformedAsync()
    {
        await ErrorAsync("Invalid JSON", "invalid_json").ConfigureAwait(false);
        return true;
    }

    protected override async Task HandleAsync(string? type, JsonObject msg)
    {
        switch (type)
        {
            case "session.update":
                await SessionUpdateAsync(Text(msg["model"])).ConfigureAwait(false);
                break;
            case "input_audio_buffer.append":
                var audio = Base64(msg) ?? [];
                if (audio.Length == 0 || audio.Length % 2 == 1)
                {
                    await ErrorAsync("Invalid audio data", "invalid_audio").ConfigureAwait(false);
                }
                else if (!_finalReceived)
                {
                    Buffer.Write(audio);
                }

                break;
            case "input_audio_buffer.commit":
                await CommitAsync(msg["final"]?.GetValueKind() == JsonValueKind.True).ConfigureAwait(false);
                break;
            default:
                await ErrorAsync($"Unknown event type: {type}", "unknown_event").ConfigureAwait(false);
                break;
        }
    }

    private async Task SessionUpdateAsync(string? model)
    {
        if (string.IsNullOrEmpty(model))
        {
            await ErrorAsync("Missing required field: model", "invalid_event").ConfigureAwait(false);
        }
        else if (!Options.RealtimeModels.Contains(model))
        {
            await ErrorAsync($"The model `{model}` does not exist.", "model_not_found").ConfigureAwait(false);
        }
        else
        {
            _validated = true;
        }
    }

    /// <summary>A non-final commit starts a generation (ignored while one runs); the final one ends it with the transcript.</summary>
    private async Task CommitAsync(bool final)
    {
        if (!_validated)
        {
            await ErrorAsync("Model not validated. Make sure to validate the model by sending a session.update event.",
                "model_not_validated").ConfigureAwait(false);
            return;
        }

        if (!final)
        {
            if (!_generating)
            {
                _generating = true;
                _finalReceived = false;
            }

            return;
        }

        if (!_generating)
        {
            return;
        }

        _finalReceived = true;
        var utterance = Transcribe(string.Empty, Rate);
        Record.FinalCommits.Enqueue(DateTimeOffset.UtcNow);
        if (Options.RealtimeTranscriptDelay > TimeSpan.Zero)
        {
            await Task.Delay(Options.RealtimeTranscriptDelay, Aborted).ConfigureAwait(false);
        }

        var sent = new StringBuilder();
        foreach (var word in utterance.Transcript.Split(' '))
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
            ["usage"] = new JsonObject { ["prompt_tokens"] = 39, ["total_tokens"] = 39 + completion, ["completion_tokens"] = completion,
                ["prompt_tokens_details"] = null },
        }).ConfigureAwait(false);
        Record.TranscriptsSent.Enqueue(DateTimeOffset.UtcNow);
        _generating = false;
    }

    private Task ErrorAsync(string message, string code) =>
        SendAsync(new JsonObject { ["type"] = "error", ["error"] = message, ["code"] = code });
}
