using System.Text.Json;
using System.Text.Json.Serialization;
using AudioSdk.Internal.Json;

namespace AudioSdk.Usage;

/// <summary>A page of usage records (<c>GET /usage</c>).</summary>
public sealed class UsageReport : IJsonOnDeserialized
{
    /// <summary>The records of this page.</summary>
    [JsonInclude]
    public IReadOnlyList<UsageRecord> Data { get; internal set; } = [];

    /// <summary>Whether another page follows.</summary>
    [JsonInclude]
    public bool HasMore { get; internal set; }

    /// <summary>The cursor for the next page, to pass as <see cref="UsageQuery.After"/>.</summary>
    [JsonInclude]
    public string? NextCursor { get; internal set; }

    /// <summary>Fields the service sent that this type does not model (totals, for example).</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, JsonElement> AdditionalProperties => ExtensionData ?? JsonDefaults.EmptyProperties;

    /// <summary>The response's status, request id and headers.</summary>
    [JsonIgnore]
    public ResponseMetadata Metadata { get; internal set; } = ResponseMetadata.None;

    [JsonInclude]
    [JsonExtensionData]
    internal Dictionary<string, JsonElement>? ExtensionData { get; set; }

    void IJsonOnDeserialized.OnDeserialized() => Data ??= [];
}
