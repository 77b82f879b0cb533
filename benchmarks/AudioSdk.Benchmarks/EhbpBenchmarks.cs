using System.Security.Cryptography.X509Certificates;
using AudioSdk.Security;
using AudioSdk.Testing;
using AudioSdk.Transcriptions;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AudioSdk.Benchmarks;

/// <summary>
/// A large non-seekable upload (a WAV produced on the fly) through EHBP (sealed in 64 KiB frames) beside the same
/// upload over TLS pinning, both over TLS on loopback, in two groups. <c>Served</c>: the in-process test server opens
/// the sealed body, parses the multipart, hashes and analyses the audio, so both ends' work shares the machine's cores.
/// <c>ClientOnly</c>: a server that drains the body unread (the sealed bytes for EHBP, the plaintext for TLS), so the
/// ratio is the client's own cost. Allocated bytes show whether the sealed path buffers the body.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class EhbpBenchmarks
{
    private X509Certificate2 _certificate = null!;
    private AudioTestServer _server = null!;
    private DiscardingUploadServer _discarding = null!;
    private AudioClient _ehbp = null!;
    private AudioClient _pinned = null!;
    private AudioClient _ehbpClientOnly = null!;
    private AudioClient _pinnedClientOnly = null!;

    [Params(64L * 1024 * 1024)]
    public long UploadBytes { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _certificate = TestCertificates.CreateSelfSigned();
        _server = await AudioTestServer.StartAsync(new AudioTestServerOptions { Certificate = _certificate, Ehbp = true, MaxCapturedFileBytes = 0 });
        _discarding = await DiscardingUploadServer.StartAsync(_certificate);
        _ehbp = Client(_server.Endpoint, _server.HpkePublicKey, AttestedTransport.Ehbp);
        _pinned = Client(_server.Endpoint, _server.HpkePublicKey, AttestedTransport.TlsPinning);
        _ehbpClientOnly = Client(_discarding.Endpoint, _discarding.HpkePublicKey, AttestedTransport.Ehbp);
        _pinnedClientOnly = Client(_discarding.Endpoint, _discarding.HpkePublicKey, AttestedTransport.TlsPinning);
        foreach (var client in new[] { _ehbp, _pinned, _ehbpClientOnly, _pinnedClientOnly })
        {
            await client.ListModelsAsync();
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _ehbp.Dispose();
        _pinned.Dispose();
        _ehbpClientOnly.Dispose();
        _pinnedClientOnly.Dispose();
        await _server.DisposeAsync();
        await _discarding.DisposeAsync();
        _certificate.Dispose();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Served")]
    public Task<Transcription> Upload_TlsPinned() => Upload(_pinned);

    [Benchmark]
    [BenchmarkCategory("Served")]
    public Task<Transcription> Upload_Ehbp() => Upload(_ehbp);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("ClientOnly")]
    public Task<Transcription> ClientOnly_TlsPinned() => Upload(_pinnedClientOnly);

    [Benchmark]
    [BenchmarkCategory("ClientOnly")]
    public Task<Transcription> ClientOnly_Ehbp() => Upload(_ehbpClientOnly);

    private Task<Transcription> Upload(AudioClient client) =>
        client.TranscribeAsync(AudioInput.FromStream(new GeneratedWav(UploadBytes), "big.wav", "audio/wav"), new TranscriptionOptions { Model = "whisper-1" });

    private AudioClient Client(Uri endpoint, ReadOnlyMemory<byte> hpkeKey, AttestedTransport transport) => new(new AudioClientOptions
    {
        Endpoint = endpoint,
        Attestor = new StaticPinAttestor([TlsPin.Compute(_certificate)], hpkeKey),
        AttestedTransport = transport,
        DangerousAllowSelfSignedLoopbackCertificatesForTesting = true,
        NetworkTimeout = Timeout.InfiniteTimeSpan,
    });
}
