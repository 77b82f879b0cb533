using System.Text.Json.Nodes;
using static AudioSdk.Testing.Internal.ConversationConfig;

namespace AudioSdk.Testing.Internal.Endpoints;

/// <summary>The conversation store: items created, inserted, retrieved, deleted and truncated.</summary>
internal sealed partial class ConversationRealtimeEndpoint
{
    private async Task CreateItemAsync(JsonObject msg, string? eventId)
    {
        if (msg["item"] is not JsonObject input)
        {
            await ErrorAsync("missing_required_parameter", "Missing required parameter: 'item'.", eventId, "item").ConfigureAwait(false);
            return;
        }

        var previousId = Text(msg["previous_item_id"]);
        var id = Text(input["id"]) ?? NextId("item");
        lock (_gate)
        {
            if (previousId is not null and not "root" && IndexOf(previousId) < 0)
            {
                id = null;
            }
            else if (IndexOf(id) >= 0)
            {
                id = string.Empty;
            }
        }

        if (id is null)
        {
            await ErrorAsync("item_not_found", $"Item with item_id '{previousId}' not found.", eventId,
                "previous_item_id").ConfigureAwait(false);
            return;
        }

        if (id.Length == 0)
        {
            await ErrorAsync("invalid_value", $"Item with id '{Text(input["id"])}' already exists.", eventId, "item.id").ConfigureAwait(false);
            return;
        }

        var (item, error) = ItemOf(id, input);
        if (error is not null)
        {
            await ErrorAsync(error.Code, error.Message, eventId, error.Param).ConfigureAwait(false);
            return;
        }

        if (item!.Type == "function_call_output")
        {
            Record.FunctionOutputs.Enqueue(new ReceivedFunctionOutput(item.CallId!, item.Said!));
        }

        var previous = Insert(item, previousId);
        await ItemAddedAndDoneAsync(item, previous).ConfigureAwait(false);
        await InputTranscriptionAsync(item).ConfigureAwait(false);
    }

    private async Task RetrieveAsync(string? itemId, string? eventId)
    {
        Item? item;
        lock (_gate)
        {
            item = _items.Find(i => i.Id == itemId);
        }

        if (item is null)
        {
            await ErrorAsync("item_not_found", $"Item with item_id '{itemId}' not found.", eventId, "item_id").ConfigureAwait(false);
            return;
        }

        var json = (JsonObject)item.Json.DeepClone();
        if (item.Audio is { } audio && json["content"] is JsonArray parts
            && parts.FirstOrDefault(p => Text(p?["type"]) == "input_audio") is JsonObject part)
        {
            part["audio"] = Convert.ToBase64String(audio);
        }

        await SendEventAsync(new JsonObject { ["type"] = "conversation.item.retrieved", ["item"] = json }).ConfigureAwait(false);
    }

    private async Task DeleteAsync(string? itemId, string? eventId)
    {
        bool removed;
        lock (_gate)
        {
            var index = IndexOf(itemId);
            removed = index >= 0;
            if (removed)
            {
                _storedBytes -= _items[index].Size;
                _items.RemoveAt(index);
            }
        }

        await (removed
            ? SendEventAsync(new JsonObject { ["type"] = "conversation.item.deleted", ["item_id"] = itemId })
            : ErrorAsync("item_not_found", $"Item with item_id '{itemId}' not found.", eventId, "item_id")).ConfigureAwait(false);
    }

    private async Task TruncateAsync(JsonObject msg, string? eventId)
    {
        foreach (var field in new[] { "item_id", "content_index", "audio_end_ms" })
        {
            if (msg[field] is null)
            {
                await ErrorAsync("missing_required_parameter", $"Missing required parameter: '{field}'.", eventId,
                    field).ConfigureAwait(false);
                return;
            }
        }

        var itemId = Text(msg["item_id"]);
        var index = msg["content_index"] is JsonValue c && c.TryGetValue<int>(out var ci) ? ci : -1;
        var end = msg["audio_end_ms"] is JsonValue v && v.TryGetValue<int>(out var e) ? e : (int?)null;
        Item? item;
        lock (_gate)
        {
            item = _items.Find(i => i.Id == itemId);
        }

        ConfigError? error = item switch
        {
            null => new("item_not_found", $"Item with item_id '{itemId}' not found.", "item_id"),
            { Role: not "assistant" } =>
                new("invalid_value", $"Only assistant message items can be truncated; '{itemId}' is not one.", "item_id"),
            _ when index != 0 =>
                new("invalid_value", "Invalid 'content_index': assistant messages have one content part, index 0.", "content_index"),
            _ when end is null => new("invalid_type", "Invalid 'audio_end_ms': expected an integer.", "audio_end_ms"),
            _ when end < 0 =>
                new("integer_below_min_value",
                $"Invalid 'audio_end_ms': integer below minimum value. Expected a value >= 0, but got {end} instead.", "audio_end_ms"),
            _ when end > item!.AudioMs =>
                new("invalid_value", $"Audio content of {item.AudioMs}ms is already shorter than {end}ms", "audio_end_ms"),
            _ => null,
        };
        if (error is not null)
        {
            await ErrorAsync(error.Code, error.Message, eventId, error.Param).ConfigureAwait(false);
            return;
        }

        lock (_gate)
        {
            item!.AudioMs = end!.Value;

            // The server-side transcript goes; no truncated transcript is produced.
            if (item.Json["content"] is JsonArray { Count: > 0 } parts && parts[0] is JsonObject part && part.ContainsKey("transcript"))
            {
                part["transcript"] = string.Empty;
            }
        }

        Record.Truncations.Enqueue(new ReceivedTruncation(item!.Id, index, end!.Value));
        await SendEventAsync(new JsonObject { ["type"] = "conversation.item.truncated", ["item_id"] = item.Id, ["content_index"] = index,
            ["audio_end_ms"] = end }).ConfigureAwait(false);
    }

    /// <summary>Adds an item after <paramref name="previousId"/> (<c>root</c>: first; null: last); returns the id before it.</summary>
    private string? Insert(Item item, string? previousId)
    {
        lock (_gate)
        {
            var at = previousId switch
            {
                null => _items.Count,
                "root" => 0,
                _ => IndexOf(previousId) + 1,
            };
            _items.Insert(at, item);
            item.Size = (item.Audio?.Length ?? 0) + (item.Said?.Length ?? 0) + 256;
            _storedBytes += item.Size;
            while (_items.Count > 1 && (_items.Count > MaxItems || _storedBytes > MaxStoredBytes))
            {
                _storedBytes -= _items[0].Size;
                _items.RemoveAt(0);
            }

            var index = _items.IndexOf(item);
            return index > 0 ? _items[index - 1].Id : null;
        }
    }

    private int IndexOf(string? id) => id is null ? -1 : _items.FindIndex(i => i.Id == id);

    private async Task ItemAddedAndDoneAsync(Item item, string? previous)
    {
        JsonObject json;
        lock (_gate)
        {
            json = (JsonObject)item.Json.DeepClone();
        }

        await SendEventAsync(new JsonObject { ["type"] = "conversation.item.added", ["previous_item_id"] = previous,
            ["item"] = json.DeepClone() }).ConfigureAwait(false);
        await SendEventAsync(new JsonObject { ["type"] = "conversation.item.done", ["previous_item_id"] = previous,
            ["item"] = json }).ConfigureAwait(false);
    }

    private sealed class Item(string id, string type, string? role)
    {
        public string Id { get; } = id;

        public string Type { get; } = type;

        public string? Role { get; } = role;

        /// <summary>The item as the wire shows it (without audio bytes).</summary>
        public JsonObject Json { get; set; } = new();

        public ReceivedUtterance? Heard { get; set; }

        public byte[]? Audio { get; set; }

        public string? Said { get; set; }

        public string? CallId { get; init; }

        public int AudioMs { get; set; }

        public long Size { get; set; }
    }
}
