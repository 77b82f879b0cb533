using System.Text.Json;
using System.Text.Json.Serialization;
using AudioSdk.Internal.Json;

namespace AudioSdk.Usage;

/// <summary>A page of usage records (<c>GET /usage</c>).</summary>
/// <remarks>Fields it does not model (totals, for example) are in <see cref="ServiceObject.AdditionalProperties"/>.</remarks>
public sealed class UsageReport : ServiceObject
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

    /// <summary>The response's status, request id and headers.</summary>
    [JsonIgnore]
    public ResponseMetadata Metadata { get; internal set; } = ResponseMetadata.None;

    private protected override void OnDeserialized() => Data ??= [];
}
