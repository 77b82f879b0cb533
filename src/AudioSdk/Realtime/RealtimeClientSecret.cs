using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>
/// A short-lived realtime key (<c>ek_...</c>) minted by <see cref="AudioClient.CreateRealtimeClientSecretAsync"/>
/// on a server, for a browser or mobile client that must not hold the API key. It opens any number of sessions
/// until <see cref="ExpiresAt"/>; a session already open may outlive it. Give it to
/// <see cref="RealtimeSessionOptions.ClientSecret"/>. <see cref="ToString"/> never shows the value.
/// </summary>
public sealed class RealtimeClientSecret
{
    /// <summary>Wraps a key value received from elsewhere (your backend), for <see cref="RealtimeSessionOptions.ClientSecret"/>.</summary>
    /// <param name="value">The key, such as <c>ek_68af...</c>.</param>
    /// <param name="expiresAt">When it stops opening sessions, if known.</param>
    /// <exception cref="ArgumentException">The value is empty or has white space or control characters.</exception>
    public RealtimeClientSecret(string value, DateTimeOffset? expiresAt = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                throw new ArgumentException("A client secret has no white space or control characters.", nameof(value));
            }
        }

        Value = value;
        ExpiresAt = expiresAt;
    }

    /// <summary>The key, sent as <c>Authorization: Bearer</c> when a session connects. Hand it only to the client that needs it.</summary>
    public string Value { get; }

    /// <summary>When the key stops opening new sessions; <see langword="null"/> when unknown.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>The effective session configuration the service returned with the key (<c>session</c>), when minted here.</summary>
    public JsonElement? Session { get; internal init; }

    /// <summary>The response's metadata, when minted here; otherwise <see cref="ResponseMetadata.None"/>.</summary>
    public ResponseMetadata Metadata { get; internal init; } = ResponseMetadata.None;

    /// <summary>Whether the key has expired by the given clock (false when the expiry is unknown).</summary>
    /// <param name="timeProvider">The clock; the system clock when <see langword="null"/>.</param>
    public bool IsExpired(TimeProvider? timeProvider = null) => ExpiresAt is { } at
        && (timeProvider ?? TimeProvider.System).GetUtcNow() >= at;

    /// <summary>Converts a key value into a secret with an unknown expiry.</summary>
    /// <param name="value">The key.</param>
    public static implicit operator RealtimeClientSecret(string value) => new(value);

    /// <summary>Shows the expiry, never the value.</summary>
    public override string ToString() => $"RealtimeClientSecret {{ Value = ***, ExpiresAt = {ExpiresAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"} }}";
}
