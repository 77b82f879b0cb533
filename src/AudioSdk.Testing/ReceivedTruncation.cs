namespace AudioSdk.Testing;

/// <summary>A truncation the conversation endpoint applied (<c>conversation.item.truncate</c>).</summary>
/// <param name="ItemId">The assistant item.</param>
/// <param name="ContentIndex">The content part (always 0).</param>
/// <param name="AudioEndMs">Where its audio now ends, in milliseconds.</param>
public sealed record ReceivedTruncation(string ItemId, int ContentIndex, int AudioEndMs);
