using System.Text.Json;
using System.Text.Json.Serialization;
using AudioSdk.Internal.Json;

namespace AudioSdk.Models;

/// <summary>A model the service offers (<c>GET /models</c>).</summary>
public sealed class ModelInfo
{
    /// <summary>The model id to pass as <c>model</c>.</summary>
    [JsonInclude]
    public string Id { get; internal set; } = string.Empty;

    /// <summary>The object type, <c>model</c>.</summary>
    [JsonInclude]
    public string? Object { get; internal set; }

    /// <summary>When the model was created, when reported.</summary>
    [JsonIgnore]
    public DateTimeOffset? CreatedAt => Created is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    /// <summary>The organisation that owns the model.</summary>
    [JsonInclude]
    public string? OwnedBy { get; internal set; }

    /// <summary>The announced shutdown date (<c>shutdown_date</c>), when there is one.</summary>
    [JsonInclude]
    public string? ShutdownDate { get; internal set; }

    /// <summary>Fields the service sent that this type does not model (a provider's capabilities, for example).</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, JsonElement> AdditionalProperties => ExtensionData ?? JsonDefaults.EmptyProperties;

    [JsonInclude]
    internal long? Created { get; set; }

    [JsonInclude]
    [JsonExtensionData]
    internal Dictionary<string, JsonElement>? ExtensionData { get; set; }

    /// <inheritdoc />
    public override string ToString() => Id;
}
