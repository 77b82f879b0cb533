namespace AudioSdk.Security.Ehbp;

/// <summary>An HPKE base-mode context: the AEAD with its sequence number (one direction), and the exporter secret.</summary>
internal sealed class HpkeContext : IDisposable
{
    private readonly byte[] _exporterSecret;

    public HpkeContext(byte[] key, byte[] baseNonce, byte[] exporterSecret)
    {
        Frames = new FrameCipher(key, baseNonce);
        _exporterSecret = exporterSecret;
    }

    /// <summary>Seals or opens the frames of this context's direction, in order.</summary>
    public FrameCipher Frames { get; }

    /// <summary>The exporter secret (known-answer tests).</summary>
    internal ReadOnlySpan<byte> ExporterSecret => _exporterSecret;

    /// <summary>LabeledExport for <paramref name="context"/>.</summary>
    public byte[] Export(ReadOnlySpan<byte> context, int length) => Hpke.Export(_exporterSecret, context, length);

    public void Dispose()
    {
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(_exporterSecret);
        Frames.Dispose();
    }
}
