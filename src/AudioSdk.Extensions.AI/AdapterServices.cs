namespace AudioSdk.Extensions.AI;

/// <summary>The <c>GetService</c> lookup both adapters share: the adapter, its metadata, or the underlying client.</summary>
internal static class AdapterServices
{
    public static object? Get(object adapter, object metadata, AudioClient client, Type serviceType, object? serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType.IsInstanceOfType(adapter) ? adapter
            : serviceType.IsInstanceOfType(metadata) ? metadata
            : serviceType.IsInstanceOfType(client) ? client
            : null;
    }
}
