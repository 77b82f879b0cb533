namespace AudioSdk.Security;

/// <summary>
/// An attestor for keys obtained out of band: every call returns the same pins (and HPKE key, when given) for the
/// endpoint's authority. With an HPKE key, <see cref="AttestedTransport.Automatic"/> seals bodies with EHBP; without
/// one it pins TLS.
/// </summary>
public sealed class StaticPinAttestor : IEndpointAttestor
{
    private readonly TlsPin[] _pins;
    private readonly byte[]? _hpkePublicKey;

    /// <summary>Creates the attestor.</summary>
    /// <param name="pins">One or more accepted pins.</param>
    /// <exception cref="ArgumentException">No pin was given.</exception>
    public StaticPinAttestor(IEnumerable<TlsPin> pins)
    {
        ArgumentNullException.ThrowIfNull(pins);
        _pins = pins.ToArray();
        if (_pins.Length == 0 || _pins.Any(p => p.Bytes.Length != TlsPin.Length))
        {
            throw new ArgumentException("At least one 32-byte TLS pin is needed.", nameof(pins));
        }
    }

    /// <summary>Creates the attestor with the endpoint's HPKE key (an <c>AudioSdk.Testing</c> server's, for example).</summary>
    /// <param name="pins">One or more accepted pins.</param>
    /// <param name="hpkePublicKey">The endpoint's X25519 HPKE public key (32 bytes).</param>
    /// <exception cref="ArgumentException">No pin was given, or the key is not 32 bytes.</exception>
    public StaticPinAttestor(IEnumerable<TlsPin> pins, ReadOnlyMemory<byte> hpkePublicKey)
        : this(pins)
    {
        if (hpkePublicKey.Length != 32)
        {
            throw new ArgumentException($"An X25519 HPKE key is 32 bytes, not {hpkePublicKey.Length}.", nameof(hpkePublicKey));
        }

        _hpkePublicKey = hpkePublicKey.ToArray();
    }

    /// <summary>The accepted pins.</summary>
    public IReadOnlyList<TlsPin> Pins => _pins;

    /// <summary>The HPKE key, when one was given.</summary>
    public ReadOnlyMemory<byte>? HpkePublicKey => _hpkePublicKey is null ? (ReadOnlyMemory<byte>?)null : _hpkePublicKey;

    /// <inheritdoc />
    public ValueTask<AttestedEndpoint> AttestAsync(Uri endpoint, bool forceRefresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return new(new AttestedEndpoint(endpoint.Authority, _pins, HpkePublicKey));
    }
}
