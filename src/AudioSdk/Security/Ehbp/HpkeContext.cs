using System.Security.Cryptography;

namespace AudioSdk.Security.Ehbp;

/// <summary>
/// An HPKE base-mode context: the AEAD key and base nonce of its one direction, and the exporter secret. Each
/// <see cref="CreateFrames"/> starts the sequence at 0, so a body serialized again (a connection retried before any
/// answer) produces the same bytes rather than continuing the sequence.
/// </summary>
internal sealed class HpkeContext : IDisposable
{
    private readonly byte[] _key;
    private readonly byte[] _baseNonce;
    private readonly byte[] _exporterSecret;
    private FrameCipher? _frames;

    public HpkeContext(byte[] key, byte[] baseNonce, byte[] exporterSecret)
    {
        _key = key;
        _baseNonce = baseNonce;
        _exporterSecret = exporterSecret;
    }

    /// <summary>One cipher over this context's frames, created on first use (tests and the recipient side).</summary>
    public FrameCipher Frames => _frames ??= CreateFrames();

    /// <summary>The exporter secret (known-answer tests).</summary>
    internal ReadOnlySpan<byte> ExporterSecret => _exporterSecret;

    /// <summary>A new cipher over this context's frames, from sequence 0; the caller disposes it.</summary>
    public FrameCipher CreateFrames() => new(_key, _baseNonce);

    /// <summary>LabeledExport for <paramref name="context"/>.</summary>
    public byte[] Export(ReadOnlySpan<byte> context, int length) => Hpke.Export(_exporterSecret, context, length);

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_key);
        CryptographicOperations.ZeroMemory(_exporterSecret);
        _frames?.Dispose();
    }
}
