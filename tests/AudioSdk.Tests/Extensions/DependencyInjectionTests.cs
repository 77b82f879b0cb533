using AudioSdk.Security;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AudioSdk.Tests.Extensions;

public sealed class DependencyInjectionTests : ServerTest
{
    [Fact]
    public async Task AddAudioClient_FromADelegate_UsesTheFactory_AndTheUsersHandlers()
    {
        var counter = new CountingHandler();
        var services = new ServiceCollection();
        services.AddAudioClient(o =>
        {
            o.Endpoint = Server.Endpoint;
            o.ApiKey = ApiKey;
        }).AddHttpMessageHandler(() => counter);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<AudioClient>();
        await client.ListModelsAsync();

        Assert.Same(client, provider.GetRequiredService<AudioClient>());
        Assert.Equal(1, counter.Count);
        Assert.Equal("Bearer " + ApiKey, Server.Requests[0].GetHeader("Authorization"));
    }

    [Fact]
    public async Task AddAudioClient_FromConfiguration_NamedAndKeyed()
    {
        await using var other = await AudioTestServer.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Audio:Main:Endpoint"] = Server.Endpoint.ToString(),
            ["Audio:Main:ApiKey"] = ApiKey,
            ["Audio:Main:NetworkTimeout"] = "00:02:00",
            ["Audio:Main:Retry:MaxRetries"] = "0",
            ["Audio:Main:DefaultHeaders:X-Tenant"] = "blue",
            ["Audio:Backup:Endpoint"] = other.Endpoint.ToString(),
        }).Build();
        var services = new ServiceCollection();
        services.AddAudioClient("main", configuration.GetSection("Audio:Main"));
        services.AddAudioClient("backup", configuration.GetSection("Audio:Backup"));
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredKeyedService<AudioClient>("main").ListModelsAsync();
        await provider.GetRequiredService<IAudioClientFactory>().CreateClient("backup").ListModelsAsync();

        Assert.Equal("blue", Assert.Single(Server.Requests).GetHeader("X-Tenant"));
        Assert.Single(other.Requests);
        Assert.Equal(TimeSpan.FromMinutes(2), provider.GetRequiredService<IOptionsMonitor<AudioClientOptions>>().Get("main").NetworkTimeout);
    }

    [Fact]
    public async Task InvalidOptions_FailAtStartUp_ListingEveryProblem()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Audio:Endpoint"] = "ftp://example.com",
            ["Audio:NetworkTimeout"] = "ten minutes",
            ["Audio:Retry:MaxRetries"] = "-2",
            ["Audio:TlsPins:0"] = "abc",
        }).Build();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAudioClient(configuration.GetSection("Audio"));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        var message = string.Join(" ", ex.Failures);
        Assert.Contains("NetworkTimeout 'ten minutes'", message);
        Assert.Contains("TlsPins:0", message);
        Assert.Contains("Endpoint must be an absolute http or https URI", message);
        Assert.Contains("MaxRetries must not be negative", message);
    }

    [Fact]
    public async Task Pinning_KeepsWorking_UnderTheFactory()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var tls = await AudioTestServer.StartAsync(new AudioTestServerOptions { Certificate = certificate });
        var services = new ServiceCollection();
        services.AddAudioClient("right", o =>
        {
            o.Endpoint = tls.Endpoint;
            o.TlsPins.Add(TlsPin.Compute(certificate));
            o.DangerousAllowSelfSignedLoopbackCertificatesForTesting = true;
        });
        services.AddAudioClient("wrong", o =>
        {
            o.Endpoint = tls.Endpoint;
            o.TlsPins.Add(TlsPin.FromBytes(new byte[32]));
            o.DangerousAllowSelfSignedLoopbackCertificatesForTesting = true;
            o.Retry = AudioClientRetryOptions.None;
        });
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredKeyedService<AudioClient>("right").ListModelsAsync();
        var before = tls.ApplicationBytesReceived;
        await Assert.ThrowsAsync<TlsPinMismatchException>(() => provider.GetRequiredKeyedService<AudioClient>("wrong").ListModelsAsync());
        Assert.Equal(before, tls.ApplicationBytesReceived);
        await using var rt = await provider.GetRequiredKeyedService<AudioClient>("right").StartRealtimeSessionAsync(new AudioSdk.Realtime.RealtimeSessionOptions { Dialect = AudioSdk.Realtime.RealtimeDialect.VllmNative, Model = "voxtral-mini-4b-realtime" });
    }

    [Fact]
    public async Task Ehbp_IsTheDefault_UnderTheFactory_WhenTheAttestationCarriesAnHpkeKey()
    {
        using var certificate = TestCertificates.CreateSelfSigned();
        await using var tls = await AudioTestServer.StartAsync(new AudioTestServerOptions { Certificate = certificate, Ehbp = true });
        var services = new ServiceCollection();
        services.AddAudioClient("sealed", o =>
        {
            o.Endpoint = tls.Endpoint;
            o.Attestor = new StaticPinAttestor([TlsPin.Compute(certificate)], tls.HpkePublicKey);
            o.DangerousAllowSelfSignedLoopbackCertificatesForTesting = true;
        });
        services.AddAudioClient("pinned", o =>
        {
            o.Endpoint = tls.Endpoint;
            o.Attestor = new StaticPinAttestor([TlsPin.Compute(certificate)], tls.HpkePublicKey);
            o.AttestedTransport = AttestedTransport.TlsPinning;
            o.DangerousAllowSelfSignedLoopbackCertificatesForTesting = true;
        });
        await using var provider = services.BuildServiceProvider();
        var speech = new AudioSdk.Speech.SpeechOptions { Model = "tts-1", Voice = "alloy" };

        await provider.GetRequiredKeyedService<AudioClient>("sealed").GenerateSpeechAsync("sealed words", speech);
        await provider.GetRequiredKeyedService<AudioClient>("pinned").GenerateSpeechAsync("pinned words", speech);

        Assert.True(tls.Requests[0].Headers.ContainsKey("Ehbp-Encapsulated-Key"));
        Assert.Contains("sealed words", tls.Requests[0].JsonBody);
        Assert.False(tls.Requests[1].Headers.ContainsKey("Ehbp-Encapsulated-Key"));
        await using var rt = await provider.GetRequiredKeyedService<AudioClient>("sealed").StartRealtimeSessionAsync(new AudioSdk.Realtime.RealtimeSessionOptions { Dialect = AudioSdk.Realtime.RealtimeDialect.VllmNative, Model = "voxtral-mini-4b-realtime" });
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        public int Count { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Count++;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
