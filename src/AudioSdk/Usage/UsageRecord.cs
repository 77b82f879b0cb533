using System.Text.Json;
using System.Text.Json.Serialization;
using AudioSdk.Internal.Json;

namespace AudioSdk.Usage;

/// <summary>One billed request in a usage report.</summary>
/// <remarks>Fields it does not model (cost, currency or project, for example) are in
/// <see cref="ServiceObject.AdditionalProperties"/>.</remarks>
public sealed class UsageRecord : ServiceObject
{
    /// <summary>The record's id.</summary>
    [JsonInclude]
    public string? Id { get; internal set; }

    /// <summary>The id of the request that was billed, to match against <see cref="ResponseMetadata.RequestId"/>.</summary>
    [JsonInclude]
    public string? RequestId { get; internal set; }

    /// <summary>The receipt id a router issued, when there is one.</summary>
    [JsonInclude]
    public string? ReceiptId { get; internal set; }

    /// <summary>The model billed.</summary>
    [JsonInclude]
    public string? Model { get; internal set; }

    /// <summary>The kind of work: <c>stt</c>, <c>tts</c>, <c>translation</c>, <c>realtime</c>, or a provider's own.</summary>
    [JsonInclude]
    public string? Modality { get; internal set; }

    /// <summary>The unit billed: <c>seconds</c>, <c>tokens</c>, <c>characters</c>, or a provider's own.</summary>
    [JsonInclude]
    public string? BillingUnit { get; internal set; }

    /// <summary>The number of billing units.</summary>
    [JsonInclude]
    public double? Quantity { get; internal set; }

    /// <summary>The audio duration billed, for duration-billed work (<c>duration_seconds</c>).</summary>
    [JsonInclude]
    [JsonPropertyName("duration_seconds")]
    [JsonConverter(typeof(NullableSecondsConverter))]
    public TimeSpan? Duration { get; internal set; }

    /// <summary>Input tokens, for token-billed work.</summary>
    [JsonInclude]
    public long? InputTokens { get; internal set; }

    /// <summary>Output tokens, for token-billed work.</summary>
    [JsonInclude]
    public long? OutputTokens { get; internal set; }

    /// <summary>Input plus output tokens, for token-billed work.</summary>
    [JsonInclude]
    public long? TotalTokens { get; internal set; }

    /// <summary>Characters of input, for character-billed speech.</summary>
    [JsonInclude]
    public long? Characters { get; internal set; }

    /// <summary>When the request was made.</summary>
    [JsonIgnore]
    public DateTimeOffset? CreatedAt => Created is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    [JsonInclude]
    [JsonPropertyName("created_at")]
    internal long? Created { get; set; }
}
