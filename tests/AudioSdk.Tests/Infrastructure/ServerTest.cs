using AudioSdk.Testing;

namespace AudioSdk.Tests.Infrastructure;

/// <summary>Starts a fresh in-process server per test and a client pointed at it.</summary>
public abstract class ServerTest : IAsyncLifetime
{
    protected const string ApiKey = "sk-test-0123456789abcdef";

    protected AudioTestServer Server { get; private set; } = null!;

    protected AudioClient Client { get; private set; } = null!;

    protected virtual void Configure(AudioTestServerOptions options)
    {
    }

    protected virtual void Configure(AudioClientOptions options)
    {
    }

    protected AudioClient CreateClient(Action<AudioClientOptions>? configure = null)
    {
        var options = new AudioClientOptions { Endpoint = Server.Endpoint, ApiKey = ApiKey, Retry = AudioClientRetryOptions.None };
        Configure(options);
        configure?.Invoke(options);
        return new AudioClient(options);
    }

    public async Task InitializeAsync()
    {
        var options = new AudioTestServerOptions { ApiKey = ApiKey };
        Configure(options);
        Server = await AudioTestServer.StartAsync(options);
        Client = CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
