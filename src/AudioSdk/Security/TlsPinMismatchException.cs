namespace AudioSdk.Security;

/// <summary>
/// The server presented a TLS key that is not pinned. The connection was refused during the handshake:
/// no request byte, and no API key, left the client.
/// </summary>
public sealed class TlsPinMismatchException : AudioSdkException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="authority">The host (and port) connected to.</param>
    /// <param name="expectedPins">The pins accepted, in hex.</param>
    /// <param name="actualPin">The pin of the key the server presented, in hex.</param>
    /// <param name="innerException">The transport exception that carried it, if any; a mismatch found in it passes on
    /// <see cref="LooksLikeInterception"/>.</param>
    public TlsPinMismatchException(string authority, IReadOnlyList<string> expectedPins, string actualPin, Exception? innerException = null)
        : this(authority, expectedPins, actualPin, Find(innerException)?.LooksLikeInterception ?? false, innerException)
    {
    }

    internal TlsPinMismatchException(string authority, IReadOnlyList<string> expectedPins, string actualPin, bool chainValidForHost,
        Exception? innerException = null)
        : base(Describe(authority, expectedPins, actualPin, chainValidForHost), innerException)
    {
        Authority = authority;
        ExpectedPins = expectedPins ?? [];
        ActualPin = actualPin;
        LooksLikeInterception = chainValidForHost;
    }

    /// <summary>The host (and port) connected to.</summary>
    public string Authority { get; }

    /// <summary>The accepted pins, in hex.</summary>
    public IReadOnlyList<string> ExpectedPins { get; }

    /// <summary>The pin of the key the server presented, in hex.</summary>
    public string ActualPin { get; }

    /// <summary>
    /// True when the certificate presented was valid for the host and chained to a root this machine trusts, yet carried
    /// another key: what a TLS-inspecting proxy (a corporate gateway, antivirus software) presents. Encrypted bodies
    /// (<see cref="AttestedTransport.Ehbp"/>) work through such a proxy for REST requests; realtime sessions need a path
    /// without TLS interception.
    /// </summary>
    public bool LooksLikeInterception { get; }

    internal static TlsPinMismatchException? Find(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is TlsPinMismatchException found)
            {
                return found;
            }
        }

        return null;
    }

    private static string Describe(string authority, IReadOnlyList<string>? expectedPins, string actualPin, bool interception)
    {
        var message = $"The TLS key of {authority} (SPKI SHA-256 {actualPin}) is not pinned; expected {string.Join(" or ", expectedPins ?? [])}. Nothing was sent.";
        return interception
            ? message + $" The certificate is valid for {authority} and chains to a root this machine trusts, but carries another key: this looks like TLS interception (a corporate proxy or antivirus inspecting TLS). " +
              "For REST requests, AttestedTransport.Ehbp (encrypted bodies sealed to the attested key) works through such a proxy; realtime sessions stay TLS-pinned and need a network path that does not intercept TLS."
            : message;
    }
}
