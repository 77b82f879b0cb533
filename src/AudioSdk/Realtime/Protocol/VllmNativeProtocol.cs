using System.Text.Json;

namespace AudioSdk.Realtime.Protocol;

/// <summary>vLLM's native dialect: <c>session.update {model}</c>, commit with <c>final</c>, flat string errors, empty deltas
/// dropped.</summary>
internal sealed class VllmNativeProtocol : RealtimeProtocol
{
    public static readonly VllmNativeProtocol Instance = new();

    public override string Query(RealtimeSessionOptions options) => "model=" + Uri.EscapeDataString(options.Model!);

    public override void WriteSessionUpdate(Utf8JsonWriter writer, RealtimeSessionOptions options, int eventId)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "session.update"u8);
        writer.WriteString("model"u8, options.Model);
        if (options.IncludeLogProbabilities)
        {
            writer.WriteStartArray("include"u8);
            writer.WriteStringValue("item.input_audio_transcription.logprobs"u8);
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    public override void WriteCommit(Utf8JsonWriter writer, bool final, int eventId)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "input_audio_buffer.commit"u8);
        if (final)
        {
            writer.WriteBoolean("final"u8, true);
        }

        writer.WriteEndObject();
    }

    protected override ReadOnlySpan<byte> DeltaType => "transcription.delta"u8;

    /// <summary>The SDK's item id for the native dialect's utterance number <paramref name="utterance"/> (the dialect has none).</summary>
    public static string ItemId(int utterance) => "item_" + utterance.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An unknown model or a missing one: the session cannot work, whatever comes next.</summary>
    public override bool IsConfigurationError(ServerError error) => error.Code is "model_not_found" or "invalid_event";

    protected override RealtimeEvent? CreateDelta(string? itemId, string? delta, int? contentIndex, string? currentItemId, byte[] raw) =>
        string.IsNullOrEmpty(delta) ? null : new TranscriptDelta(currentItemId, delta, null, [], "transcription.delta", raw);

    protected override RealtimeEvent? Read(string type, JsonElement root, string? currentItemId)
    {
        switch (type)
        {
            case "session.created":
                return new SessionCreated(String(root, "id"), type, root);
            case "session.updated":
                return new SessionUpdated(type, root);
            case "transcription.delta":
                var delta = String(root, "delta");
                return string.IsNullOrEmpty(delta) ? null : new TranscriptDelta(currentItemId, delta, null, LogProbs(root), type, root);
            case "transcription.done":
                return new TranscriptCompleted(currentItemId, String(root, "text") ?? string.Empty, Usage(root), LogProbs(root), type,
                    root);
            case "error":
                var error = Member(root, "error");
                return error.ValueKind == JsonValueKind.Object
                    ? new ServerError(String(error, "type"), String(error, "code") ?? String(root, "code"), String(error, "message")
                        ?? "(no message)", String(error, "param"), null, root)
                    : new ServerError(null, String(root, "code"), String(root, "error") ?? "(no message)", null, null, root);
            default:
                return null;
        }
    }

    protected override bool IsDropped(string type) => type == "transcription.delta";
}
