using System.Text.Json;
using System.Text.Json.Serialization;
using AudioSdk.Internal.Json;

namespace AudioSdk.Models;

/// <summary>A model the service offers (<c>GET /models</c>).</summary>
/// <remarks>Fields it does not model (a provider's capabilities, for example) are in
/// <see cref="ServiceObject.AdditionalProperties"/>.</remarks>
public sealed class ModelInfo : ServiceObject
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

    [JsonInclude]
    internal long? Created { get; set; }

    /// <inheritdoc />
    public override string ToString() => Id;
}
