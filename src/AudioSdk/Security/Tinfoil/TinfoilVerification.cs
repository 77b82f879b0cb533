namespace AudioSdk.Security.Tinfoil;

/// <summary>What a verified v3 document establishes.</summary>
internal sealed record TinfoilVerification
{
    public required TlsPin TlsPin { get; init; }
    public required byte[] HpkePublicKey { get; init; }
    public required DateTimeOffset ValidUntil { get; init; }
    public required string Repository { get; init; }
    public required string Tag { get; init; }
    public required string CodeDigest { get; init; }
    public required Measurement CodeMeasurement { get; init; }
    public required Measurement EnclaveMeasurement { get; init; }
    public required string Machine { get; init; }
}
