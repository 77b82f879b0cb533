using System.Collections.ObjectModel;
using System.Text.Json;

namespace AudioSdk.Internal.Json;

internal static class JsonDefaults
{
    public static readonly IReadOnlyDictionary<string, JsonElement> EmptyProperties = ReadOnlyDictionary<string, JsonElement>.Empty;
}
