using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using AudioSdk.Security;
using AudioSdk.Testing;
using BenchmarkDotNet.Attributes;

namespace AudioSdk.Benchmarks;

/// <summary>
/// What the pin check adds to a request (GET /v1/models over HTTPS to the in-process Kestrel server): on a warm
/// (pooled) connection, where the handshake is not repeated, and on a new connection per request (the server
/// answers Connection: close), where every request pays a handshake and the SPKI hash. The unpinned clients
/// accept the same self-signed certificate through a plain callback, so only the pinning differs.
/// </summary>
[MemoryDiagnoser]
public class PinningBenchmarks
{
    private X509Certificate2 _certificate = null!;
    private AudioTestServer _warmServer = null!;
    private AudioTestServer _coldServer = null!;
    private AudioClient _unpinnedWarm = null!;
    private AudioClient _pinnedWarm = null!;
    private AudioClient _unpinnedCold = null!;
    private AudioClient _pinnedCold = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _certificate = TestCertificates.CreateSelfSigned();
        _warmServer = await AudioTestServer.StartAsync(new AudioTestServerOptions { Certificate = _certificate });
        _coldServer = await AudioTestServer.StartAsync(new AudioTestServerOptions { Certificate = _certificate, CloseConnectionAfterEachResponse = true });
        _unpinnedWarm = Unpinned(_warmServer.Endpoint);
        _unpinnedCold = Unpinned(_coldServer.Endpoint);
        _pinnedWarm = Pinned(_warmServer.Endpoint);
        _pinnedCold = Pinned(_coldServer.Endpoint);
        await Task.WhenAll(_unpinnedWarm.ListModelsAsync(), _pinnedWarm.ListModelsAsync(), _unpinnedCold.ListModelsAsync(), _pinnedCold.ListModelsAsync());
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        foreach (var client in new[] { _unpinnedWarm, _pinnedWarm, _unpinnedCold, _pinnedCold })
        {
            client.Dispose();
        }

        await _warmServer.DisposeAsync();
        await _coldServer.DisposeAsync();
        _certificate.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task Unpinned_WarmConnection() => _unpinnedWarm.ListModelsAsync();

    [Benchmark]
    public Task Pinned_WarmConnection() => _pinnedWarm.ListModelsAsync();

    [Benchmark]
    public Task Unpinned_NewConnection() => _unpinnedCold.ListModelsAsync();

    [Benchmark]
    public Task Pinned_NewConnection() => _pinnedCold.ListModelsAsync();

    /// <summary>The check itself, as the handshake callback runs it: export the leaf's SPKI, hash it, compare in constant time.</summary>
    [Benchmark]
    public bool PinCheckAlone() => TlsPin.Compute(_certificate).Matches(TlsPin.Compute(_certificate).Bytes);

    private AudioClient Pinned(Uri endpoint) => new(new AudioClientOptions
    {
        Endpoint = endpoint,
        TlsPins = { TlsPin.Compute(_certificate) },
        DangerousAllowSelfSignedLoopbackCertificatesForTesting = true,
    });

    private static AudioClient Unpinned(Uri endpoint)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, errors) => (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None;
        return new AudioClient(new AudioClientOptions { Endpoint = endpoint, HttpHandler = handler });
    }
}
