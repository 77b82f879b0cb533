using System.Collections.Concurrent;
using AudioSdk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Builds each named client once, over the factory's HttpClient, with the logger factory and clock from the container.</summary>
internal sealed class AudioClientFactory(IServiceProvider services, IHttpClientFactory httpClients, IOptionsMonitor<AudioClientOptions> options) : IAudioClientFactory, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<AudioClient>> _clients = new();

    public AudioClient CreateClient(string? name = null)
    {
        var key = name ?? Options.Options.DefaultName;
        return _clients.GetOrAdd(key, k => new Lazy<AudioClient>(() => Build(name))).Value;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }

    private AudioClient Build(string? name)
    {
        var configured = options.Get(name ?? Options.Options.DefaultName);
        var clientName = name ?? AudioClientServiceCollectionExtensions.DefaultName;
        var holder = services.GetRequiredKeyedService<PinnedHandlerHolder>(clientName);
        var http = httpClients.CreateClient(clientName);
        var copy = PinnedHandlerHolder.WithoutPins(configured, holder.Handler);
        copy.LoggerFactory ??= services.GetService<ILoggerFactory>();
        if (copy.TimeProvider == TimeProvider.System && services.GetService<TimeProvider>() is { } time)
        {
            copy.TimeProvider = time;
        }

        http.BaseAddress ??= configured.Endpoint;
        return new AudioClient(http, copy);
    }
}
