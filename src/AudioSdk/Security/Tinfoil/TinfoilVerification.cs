namespace AudioSdk.Security.Tinfoil;

/// <summary>What a verified v3 document establishes.</summary>
internal sealed record TinfoilVerification
{
    /// <summary>The TLS key pin the document binds, or null when it has no usable <c>tls</c> item.</summary>
    public required TlsPin? TlsPin { get; init; }

    /// <summary>The X25519 HPKE key the document binds, or null when it has no usable <c>hpke</c> item.</summary>
    public required byte[]? HpkePublicKey { get; init; }
    public required DateTimeOffset ValidUntil { get; init; }
    public required string Repository { get; init; }
    public required string Tag { get; init; }
    public required string CodeDigest { get; init; }
    public required Measurement CodeMeasurement { get; init; }
    public required Measurement EnclaveMeasurement { get; init; }
    public required string Machine { get; init; }

    /// <summary>The keys a client pins: a document that verifies but binds no TLS or HPKE key is refused (stage Envelope).</summary>
    public (TlsPin Pin, byte[] Hpke) RequireKeys() =>
        (TlsPin ?? throw V3.StrictJson.Envelope("the document binds no TLS key fingerprint ('tls' item)"),
            HpkePublicKey ?? throw V3.StrictJson.Envelope("the document binds no HPKE key ('hpke' item)"));
}
