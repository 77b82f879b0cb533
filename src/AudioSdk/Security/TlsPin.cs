using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AudioSdk.Security;

/// <summary>
/// A TLS key pin: the SHA-256 of the server leaf certificate's DER SubjectPublicKeyInfo (32 bytes, 64 lowercase
/// hex characters). Not the certificate hash, and not the bare public key.
/// </summary>
public readonly struct TlsPin : IEquatable<TlsPin>
{
    /// <summary>The length of a pin in bytes.</summary>
    public const int Length = 32;

    private readonly byte[]? _bytes;

    private TlsPin(byte[] bytes) => _bytes = bytes;

    /// <summary>The pin's bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>A pin from its 32 bytes.</summary>
    /// <param name="sha256">SHA-256 of the SubjectPublicKeyInfo.</param>
    /// <exception cref="ArgumentException">The value is not 32 bytes.</exception>
    public static TlsPin FromBytes(ReadOnlySpan<byte> sha256)
    {
        if (sha256.Length != Length)
        {
            throw new ArgumentException($"A TLS pin is a SHA-256 of 32 bytes; {sha256.Length} bytes were given.", nameof(sha256));
        }

        return new TlsPin(sha256.ToArray());
    }

    /// <summary>A pin from 64 hex characters (either case; colons and spaces are ignored).</summary>
    /// <param name="hex">The pin in hex.</param>
    /// <exception cref="ArgumentException">The text is not 64 hex characters.</exception>
    public static TlsPin FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var cleaned = hex.Replace(":", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal);
        if (cleaned.Length != Length * 2)
        {
            throw new ArgumentException($"A TLS pin is 64 hex characters (SHA-256 of the SubjectPublicKeyInfo); '{hex}' has {cleaned.Length}.", nameof(hex));
        }

        try
        {
            return new TlsPin(Convert.FromHexString(cleaned));
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"'{hex}' is not hexadecimal.", nameof(hex), ex);
        }
    }

    /// <summary>The pin of a certificate: SHA-256 over its DER SubjectPublicKeyInfo.</summary>
    /// <param name="certificate">The (leaf) certificate.</param>
    public static TlsPin Compute(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new TlsPin(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>Compares with a fingerprint in constant time (no early exit on the first differing byte).</summary>
    /// <param name="sha256">The fingerprint to compare.</param>
    public bool Matches(ReadOnlySpan<byte> sha256) => _bytes is not null && CryptographicOperations.FixedTimeEquals(_bytes, sha256);

    /// <summary>Converts 64 hex characters to a pin.</summary>
    /// <param name="hex">The pin in hex.</param>
    public static implicit operator TlsPin(string hex) => FromHex(hex);

    /// <summary>Compares two pins.</summary>
    /// <param name="left">The first pin.</param>
    /// <param name="right">The second pin.</param>
    public static bool operator ==(TlsPin left, TlsPin right) => left.Equals(right);

    /// <summary>Compares two pins.</summary>
    /// <param name="left">The first pin.</param>
    /// <param name="right">The second pin.</param>
    public static bool operator !=(TlsPin left, TlsPin right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(TlsPin other) => _bytes is null ? other._bytes is null : other._bytes is not null
        && CryptographicOperations.FixedTimeEquals(_bytes, other._bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TlsPin other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _bytes is null ? 0 : BitConverter.ToInt32(_bytes, 0);

    /// <summary>64 lowercase hex characters.</summary>
    public override string ToString() => _bytes is null ? string.Empty : Convert.ToHexString(_bytes).ToLowerInvariant();
}
