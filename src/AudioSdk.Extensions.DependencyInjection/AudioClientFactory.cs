using System.Collections.Concurrent;
using AudioSdk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Builds each named client once, over the factory's HttpClient, with the logger factory and clock from the container.</summary>
internal sealed class AudioClientFactory(IServiceProvider services, IHttpClientFactory httpClients, IHttpMessageHandlerFactory handlers,
    IOptionsMonitor<AudioClientOptions> options, IOptionsFactory<AudioClientOptions> freshOptions) : IAudioClientFactory, IDisposable
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
        HttpMessageHandler? realtime = holder.Handler;
        if (holder.Primary is { } pinned && PrimaryOf(handlers.CreateHandler(clientName)) is var primary
            && !ReferenceEquals(primary, pinned))
        {
            // A builder call replaced the pinned primary handler: this client refuses to send anything, REST or realtime.
            var refusing = new RefusingHandler(clientName, primary.GetType().Name);
            http = new HttpClient(refusing, disposeHandler: false);
            realtime = refusing;
        }

        // The client gets its own instance of the named options (the shared one stays as configured), with the pins
        // moved into the handler, which also carries the realtime socket; the client freezes its own copy in turn.
        var copy = freshOptions.Create(name ?? Options.Options.DefaultName);
        copy.TlsPins.Clear();
        copy.Attestor = null;
        copy.HttpHandler = realtime ?? configured.HttpHandler;
        copy.LoggerFactory = configured.LoggerFactory ?? services.GetService<ILoggerFactory>();
        copy.TimeProvider = configured.TimeProvider == TimeProvider.System
            && services.GetService<TimeProvider>() is { } time ? time : configured.TimeProvider;

        // Without an Endpoint, a pinned client's requests are built on its handler's base address: the placeholder the
        // handler moves to the attested router when it adopts one.
        http.BaseAddress ??= configured.Endpoint ?? holder.Handler?.BaseAddress;
        return new AudioClient(http, copy);
    }

    /// <summary>The handler at the end of a chain: the primary handler, under any delegating handlers.</summary>
    private static HttpMessageHandler PrimaryOf(HttpMessageHandler handler)
    {
        while (handler is DelegatingHandler { InnerHandler: { } inner })
        {
            handler = inner;
        }

        return handler;
    }

    /// <summary>Stands in for a primary handler that replaced the pinned one: every request fails before a byte is sent.</summary>
    private sealed class RefusingHandler(string clientName, string primary) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException(
                $"The AudioClient registered as '{clientName}' is pinned (TlsPins or Attestor), but the primary handler of its HttpClient is a {primary}, not the SDK's PinnedHttpHandler: " +
                "a UseSocketsHttpHandler(...), ConfigurePrimaryHttpMessageHandler(...) or ConfigureHttpMessageHandlerBuilder(...) call on the IHttpClientBuilder that AddAudioClient returned replaced it. " +
                "Nothing was sent. Remove that call, and adjust the pinned handler through AudioClientOptions.ConfigurePinnedHandler instead.");
    }
}
