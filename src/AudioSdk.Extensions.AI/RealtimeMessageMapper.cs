// The realtime server messages are experimental in Microsoft.Extensions.AI 11.0 (MEAI001).
#pragma warning disable MEAI001

using System.Text.Json;
using Microsoft.Extensions.AI;
using SdkRealtime = AudioSdk.Realtime;

namespace AudioSdk.Extensions.AI;

/// <summary>Maps AudioSdk's realtime events onto Microsoft.Extensions.AI's server messages.</summary>
internal static class RealtimeMessageMapper
{
    internal static RealtimeServerMessage ToMessage(SdkRealtime.RealtimeEvent e) => e switch
    {
        SdkRealtime.TranscriptDelta d =>
            new InputAudioTranscriptionRealtimeServerMessage(RealtimeServerMessageType.InputAudioTranscriptionDelta) { ItemId = d.ItemId,
            ContentIndex = d.ContentIndex, Transcription = d.Delta, RawRepresentation = e },
        SdkRealtime.TranscriptCompleted c =>
            new InputAudioTranscriptionRealtimeServerMessage(RealtimeServerMessageType.InputAudioTranscriptionCompleted) { ItemId = c.ItemId, Transcription = c.Transcript, Usage = Usage(c.Usage), RawRepresentation = e },
        SdkRealtime.TranscriptFailed f =>
            new InputAudioTranscriptionRealtimeServerMessage(RealtimeServerMessageType.InputAudioTranscriptionFailed) { ItemId = f.ItemId,
            Error = new ErrorContent(f.Message) { ErrorCode = f.Code }, RawRepresentation = e },
        SdkRealtime.OutputTextDelta t => Output(RealtimeServerMessageType.OutputTextDelta, t.ResponseId, t.ItemId, e, text: t.Delta),
        SdkRealtime.OutputTextDone t => Output(RealtimeServerMessageType.OutputTextDone, t.ResponseId, t.ItemId, e, text: t.Text),
        SdkRealtime.OutputAudioTranscriptDelta t =>
            Output(RealtimeServerMessageType.OutputAudioTranscriptionDelta, t.ResponseId, t.ItemId, e, text: t.Delta),
        SdkRealtime.OutputAudioTranscriptDone t =>
            Output(RealtimeServerMessageType.OutputAudioTranscriptionDone, t.ResponseId, t.ItemId, e, text: t.Transcript),
        SdkRealtime.OutputAudioDelta a =>
            Output(RealtimeServerMessageType.OutputAudioDelta, a.ResponseId, a.ItemId, e, audio: Convert.ToBase64String(a.Audio.Span),
            contentIndex: a.ContentIndex, outputIndex: a.OutputIndex),
        SdkRealtime.OutputAudioDone a => Output(RealtimeServerMessageType.OutputAudioDone, a.ResponseId, a.ItemId, e),
        SdkRealtime.ResponseCreated r =>
            new ResponseCreatedRealtimeServerMessage(RealtimeServerMessageType.ResponseCreated) { ResponseId = r.ResponseId,
            RawRepresentation = e },
        SdkRealtime.ResponseDone r =>
            new ResponseCreatedRealtimeServerMessage(RealtimeServerMessageType.ResponseDone) { ResponseId = r.ResponseId,
            Status = r.Status, Usage = Usage(r.Usage), RawRepresentation = e },
        SdkRealtime.OutputItemAdded i =>
            new ResponseOutputItemRealtimeServerMessage(RealtimeServerMessageType.ResponseOutputItemAdded) { ResponseId = i.ResponseId,
            OutputIndex = i.OutputIndex, Item = Item(i.Item), RawRepresentation = e },
        SdkRealtime.OutputItemDone i =>
            new ResponseOutputItemRealtimeServerMessage(RealtimeServerMessageType.ResponseOutputItemDone) { ResponseId = i.ResponseId,
            OutputIndex = i.OutputIndex, Item = Item(i.Item), RawRepresentation = e },
        SdkRealtime.ConversationItemAdded i =>
            new ResponseOutputItemRealtimeServerMessage(RealtimeServerMessageType.ConversationItemAdded) { Item = Item(i.Item),
            RawRepresentation = e },
        SdkRealtime.ConversationItemDone i =>
            new ResponseOutputItemRealtimeServerMessage(RealtimeServerMessageType.ConversationItemDone) { Item = Item(i.Item),
            RawRepresentation = e },
        SdkRealtime.ServerError s =>
            new ErrorRealtimeServerMessage { Error = new ErrorContent(s.Message) { ErrorCode = s.Code, Details = s.Param },
            OriginatingMessageId = s.ClientEventId, RawRepresentation = e },
        _ =>
            new RealtimeServerMessage { Type = new RealtimeServerMessageType(string.IsNullOrEmpty(e.EventType) ? e.GetType().Name : e.EventType), RawRepresentation = e },
    };

    private static OutputTextAudioRealtimeServerMessage Output(RealtimeServerMessageType type, string? responseId, string? itemId,
        SdkRealtime.RealtimeEvent raw, string? text = null, string? audio = null, int? contentIndex = null, int? outputIndex = null) =>
        new(type) { ResponseId = responseId, ItemId = itemId, Text = text, Audio = audio, ContentIndex = contentIndex,
            OutputIndex = outputIndex, RawRepresentation = raw };

    private static UsageDetails? Usage(SdkRealtime.RealtimeUsage? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.InputTokens,
        OutputTokenCount = usage.OutputTokens,
        TotalTokenCount = usage.TotalTokens,
    };

    /// <summary>A conversation item: a function call becomes a <see cref="FunctionCallContent"/> (what function invocation looks for), a
    /// message its text.</summary>
    internal static RealtimeConversationItem Item(SdkRealtime.RealtimeItem item)
    {
        var contents = new List<AIContent>();
        if (item.Type == "function_call" && item.CallId is { } callId && item.Name is { } name)
        {
            contents.Add(new FunctionCallContent(callId, name, Arguments(item.Raw)) { RawRepresentation = item });
        }
        else if (item.Type == "function_call_output" && item.CallId is { } outputCallId)
        {
            contents.Add(new FunctionResultContent(outputCallId, item.Raw.ValueKind == JsonValueKind.Object
                && item.Raw.TryGetProperty("output", out var output) ? output.ToString() : null));
        }
        else if (item.Text is { } text)
        {
            contents.Add(new TextContent(text));
        }

        ChatRole? role = item.Role is { Length: > 0 } r ? new ChatRole(r) : null;
        return new RealtimeConversationItem(contents, item.Id, role) { RawRepresentation = item };
    }

    /// <summary>The call's JSON arguments as a dictionary of <see cref="JsonElement"/> values; none when absent or not an object.</summary>
    private static Dictionary<string, object?>? Arguments(JsonElement raw)
    {
        if (raw.ValueKind != JsonValueKind.Object || !raw.TryGetProperty("arguments", out var arguments)
            || arguments.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(arguments.GetString()!);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var result = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                result[property.Name] = property.Value.Clone();
            }

            return result;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
