using System.Text.Json;
using System.Text.Json.Serialization;
using AudioSdk.Internal.Json;

namespace AudioSdk;

/// <summary>
/// An object read from a service's JSON (a transcript, a segment, a usage record, a model...): the fields the SDK
/// models as properties, and every other field the service sent in <see cref="AdditionalProperties"/>, so a
/// provider's extensions are never lost.
/// </summary>
public abstract class ServiceObject : IJsonOnDeserialized
{
    private protected ServiceObject()
    {
    }

    /// <summary>Fields the service sent that this type does not model, by their JSON names.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, JsonElement> AdditionalProperties => ExtensionData ?? JsonDefaults.EmptyProperties;

    [JsonInclude]
    [JsonExtensionData]
    internal Dictionary<string, JsonElement>? ExtensionData { get; set; }

    void IJsonOnDeserialized.OnDeserialized() => OnDeserialized();

    /// <summary>Replaces the <see langword="null"/>s a service may send for collections with empty ones.</summary>
    private protected virtual void OnDeserialized()
    {
    }
}
