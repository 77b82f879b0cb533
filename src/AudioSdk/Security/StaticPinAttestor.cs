namespace AudioSdk.Security;

/// <summary>An attestor for pins obtained out of band: every call returns the same pins for the endpoint's authority.</summary>
public sealed class StaticPinAttestor : IEndpointAttestor
{
    private readonly TlsPin[] _pins;

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

    /// <summary>The accepted pins.</summary>
    public IReadOnlyList<TlsPin> Pins => _pins;

    /// <inheritdoc />
    public ValueTask<AttestedEndpoint> AttestAsync(Uri endpoint, bool forceRefresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return new(new AttestedEndpoint(endpoint.Authority, _pins));
    }
}
