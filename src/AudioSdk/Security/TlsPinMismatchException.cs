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
    /// <param name="innerException">The transport exception that carried it, if any.</param>
    public TlsPinMismatchException(string authority, IReadOnlyList<string> expectedPins, string actualPin, Exception? innerException = null)
        : base($"The TLS key of {authority} (SPKI SHA-256 {actualPin}) is not pinned; expected {string.Join(" or ", expectedPins ?? [])}. Nothing was sent.", innerException)
    {
        Authority = authority;
        ExpectedPins = expectedPins ?? [];
        ActualPin = actualPin;
    }

    /// <summary>The host (and port) connected to.</summary>
    public string Authority { get; }

    /// <summary>The accepted pins, in hex.</summary>
    public IReadOnlyList<string> ExpectedPins { get; }

    /// <summary>The pin of the key the server presented, in hex.</summary>
    public string ActualPin { get; }

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
}
