using System.Text.Json;

namespace AudioSdk.Realtime.Continuity;

/// <summary>
/// The conversation so far, as a new connection must be seeded with it after a drop: system and user messages as text
/// (a user audio turn as its input transcript), assistant messages as their text or transcript, function calls and
/// their outputs. Items the caller creates are recorded as they are sent and take the server's id when it confirms them;
/// until then they are pending (a drop before the confirmation still carries them). Items of responses that never
/// finished are not here: a response cut off by a drop is dropped. Bounded to the last <see cref="MaxItems"/> items.
/// Thread-safe.
/// </summary>
internal sealed class ConversationHistory
{
    public const int MaxItems = 4096;
    private readonly object _gate = new();
    private readonly List<Entry> _entries = [];

    /// <summary>A client item (user text, function output) on its way to the server.</summary>
    public void Sent(string type, string? role, string? text, string? callId)
    {
        lock (_gate)
        {
            Add(new Entry(type) { Role = role, Text = text, CallId = callId });
        }
    }

    /// <summary>A final item from the server: a pending client item takes its id, a known one is updated, a new one is added.</summary>
    public void Done(RealtimeItem item)
    {
        if (item.Id is not { } id || item.Type is not { } type)
        {
            return;
        }

        lock (_gate)
        {
            var entry = _entries.Find(e => e.Id == id)

                    ?? _entries.Find(e => e.Id is null && e.Type == type
                    && (type == "function_call_output" ? e.CallId == item.CallId : e.Role == item.Role && e.Text == item.Text));
            if (entry is null)
            {
                entry = new Entry(type);
                Add(entry);
            }

            entry.Id = id;
            entry.Role = item.Role ?? entry.Role;
            entry.Text = item.Text ?? entry.Text;
            entry.CallId = item.CallId ?? entry.CallId;
            entry.Name = item.Name ?? entry.Name;
            if (item.Raw.ValueKind == JsonValueKind.Object)
            {
                entry.Arguments = String(item.Raw, "arguments") ?? entry.Arguments;
                entry.Output = String(item.Raw, "output") ?? entry.Output;
            }
        }
    }

    /// <summary>A user audio turn's input transcript (it may come after the item).</summary>
    public void Transcribed(string itemId, string transcript)
    {
        lock (_gate)
        {
            if (_entries.Find(e => e.Id == itemId) is { } entry)
            {
                entry.Text = transcript;
            }
        }
    }

    public void Deleted(string itemId)
    {
        lock (_gate)
        {
            _entries.RemoveAll(e => e.Id == itemId);
        }
    }

    /// <summary>What to seed a new connection with, in order; an item that cannot be written as text (a user audio turn with no transcript)
    /// is left out.</summary>
    public IReadOnlyList<SeedItem> Snapshot()
    {
        lock (_gate)
        {
            var items = new List<SeedItem>(_entries.Count);
            foreach (var e in _entries)
            {
                var seed = e.Type switch
                {
                    "message" when e.Text is not null && e.Role is "user" or "system" or "assistant" =>
                        new SeedItem(e.Id, e.Type, e.Role, e.Text, null, null, null),
                    "function_call" when e.CallId is not null && e.Name is not null =>
                        new SeedItem(e.Id, e.Type, null, null, e.CallId, e.Name, e.Arguments ?? "{}"),
                    "function_call_output" when e.CallId is not null =>
                        new SeedItem(e.Id, e.Type, null, e.Output ?? e.Text ?? string.Empty, e.CallId, null, null),
                    _ => null,
                };
                if (seed is not null)
                {
                    items.Add(seed);
                }
            }

            return items;
        }
    }

    private static string? String(JsonElement raw, string name) =>
        raw.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private void Add(Entry entry)
    {
        _entries.Add(entry);
        if (_entries.Count > MaxItems)
        {
            _entries.RemoveAt(0);
        }
    }

    private sealed class Entry(string type)
    {
        public string Type { get; } = type;

        public string? Id { get; set; }

        public string? Role { get; set; }

        public string? Text { get; set; }

        public string? CallId { get; set; }

        public string? Name { get; set; }

        public string? Arguments { get; set; }

        public string? Output { get; set; }
    }
}

/// <summary>
/// One item to create on a new connection: a message (<paramref name="Text"/> as <c>input_text</c>, or
/// <c>output_text</c> for the assistant), a function call, or a function output (<paramref name="Text"/>). With an
/// <paramref name="Id"/> the item keeps the id the caller already knows.
/// </summary>
internal sealed record SeedItem(string? Id, string Type, string? Role, string? Text, string? CallId, string? Name, string? Arguments);
