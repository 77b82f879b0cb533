using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>
/// An utterance was committed (<c>input_audio_buffer.committed</c>; synthesized for the native dialect when the
/// final commit is sent). Deltas of the same item may arrive before it: correlate by <see cref="ItemId"/>.
/// </summary>
/// <param name="itemId">The utterance's item id (SDK-generated in the native dialect).</param>
/// <param name="previousItemId">The previous item, when the server says.</param>
/// <param name="raw">The JSON as received.</param>
public sealed class Committed(string itemId, string? previousItemId, JsonElement raw) : RealtimeEvent("input_audio_buffer.committed", raw)
{
    /// <summary>The utterance's item id.</summary>
    public string ItemId { get; internal set; } = itemId;

    /// <summary>The previous item, when the server says.</summary>
    public string? PreviousItemId { get; } = previousItemId;
}
