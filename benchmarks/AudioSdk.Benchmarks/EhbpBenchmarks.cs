using System.Security.Cryptography.X509Certificates;
using AudioSdk.Security;
using AudioSdk.Testing;
using AudioSdk.Transcriptions;
using BenchmarkDotNet.Attributes;

namespace AudioSdk.Benchmarks;

/// <summary>
/// A large non-seekable upload (a WAV produced on the fly) through EHBP (sealed in 32 KiB frames, opened by the
/// server) beside the same upload over TLS pinning, both over TLS to the in-process Kestrel server on loopback.
/// Allocated bytes show whether the sealed path buffers the body.
/// </summary>
[MemoryDiagnoser]
public class EhbpBenchmarks
{
    private X509Certificate2 _certificate = null!;
    private AudioTestServer _server = null!;
    private AudioClient _ehbp = null!;
    private AudioClient _pinned = null!;

    [Params(64L * 1024 * 1024)]
    public long UploadBytes { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _certificate = TestCertificates.CreateSelfSigned();
        _server = await AudioTestServer.StartAsync(new AudioTestServerOptions { Certificate = _certificate, Ehbp = true, MaxCapturedFileBytes = 0 });
        _ehbp = Client(AttestedTransport.Ehbp);
        _pinned = Client(AttestedTransport.TlsPinning);
        await _ehbp.ListModelsAsync();
        await _pinned.ListModelsAsync();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _ehbp.Dispose();
        _pinned.Dispose();
        await _server.DisposeAsync();
        _certificate.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<Transcription> Upload_TlsPinned() => Upload(_pinned);

    [Benchmark]
    public Task<Transcription> Upload_Ehbp() => Upload(_ehbp);

    private Task<Transcription> Upload(AudioClient client) =>
        client.TranscribeAsync(AudioInput.FromStream(new GeneratedWav(UploadBytes), "big.wav", "audio/wav"), new TranscriptionOptions { Model = "whisper-1" });

    private AudioClient Client(AttestedTransport transport) => new(new AudioClientOptions
    {
        Endpoint = _server.Endpoint,
        Attestor = new StaticPinAttestor([TlsPin.Compute(_certificate)], _server.HpkePublicKey),
        AttestedTransport = transport,
        DangerousAllowSelfSignedLoopbackCertificatesForTesting = true,
        NetworkTimeout = Timeout.InfiniteTimeSpan,
    });

    /// <summary>A 16 kHz mono PCM16 WAV of silence, produced as it is read: no length, no seeking, no buffer.</summary>
    private sealed class GeneratedWav(long dataBytes) : Stream
    {
        private readonly byte[] _header = Header(dataBytes);
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var total = _header.Length + dataBytes;
            var n = (int)Math.Min(buffer.Length, total - _position);
            for (var i = 0; i < n; i++)
            {
                var at = _position + i;
                buffer[i] = at < _header.Length ? _header[at] : (byte)0;
            }

            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private static byte[] Header(long data)
        {
            var h = new byte[44];
            "RIFF"u8.CopyTo(h);
            BitConverter.TryWriteBytes(h.AsSpan(4), (uint)Math.Min(uint.MaxValue, 36 + data));
            "WAVEfmt "u8.CopyTo(h.AsSpan(8));
            BitConverter.TryWriteBytes(h.AsSpan(16), 16);
            BitConverter.TryWriteBytes(h.AsSpan(20), (short)1);
            BitConverter.TryWriteBytes(h.AsSpan(22), (short)1);
            BitConverter.TryWriteBytes(h.AsSpan(24), 16000);
            BitConverter.TryWriteBytes(h.AsSpan(28), 32000);
            BitConverter.TryWriteBytes(h.AsSpan(32), (short)2);
            BitConverter.TryWriteBytes(h.AsSpan(34), (short)16);
            "data"u8.CopyTo(h.AsSpan(36));
            BitConverter.TryWriteBytes(h.AsSpan(40), (uint)Math.Min(uint.MaxValue, data));
            return h;
        }
    }
}
