using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace AudioSdk.Testing.Internal;

/// <summary>
/// Issues ephemeral realtime keys (<c>POST /v1/realtime/client_secrets</c>, OpenAI's GA shape) and checks them on
/// realtime connections: a key is valid from its creation until <c>expires_at</c> on the server's clock, for any
/// number of sessions, and only for <c>/v1/realtime</c>.
/// </summary>
internal sealed class ClientSecretIssuer(TimeProvider clock)
{
    private const int MinSeconds = 10;
    private const int MaxSeconds = 7200;
    private const int DefaultSeconds = 600;
    private readonly Dictionary<string, DateTimeOffset> _issued = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>Reads the request body and returns the answer's status and JSON.</summary>
    public (int Status, JsonObject Body) Issue(string? json)
    {
        JsonObject? request;
        try
        {
            request = string.IsNullOrWhiteSpace(json) ? new JsonObject() : JsonNode.Parse(json) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            request = null;
        }

        if (request is null)
        {
            return (400, Error("invalid_json", "The body must be a JSON object.", null));
        }

        var seconds = DefaultSeconds;
        if (request["expires_after"] is JsonObject expires)
        {
            if (expires["anchor"] is { } anchor && anchor.ToString() != "created_at")
            {
                return (400, Error("invalid_value", "expires_after.anchor must be 'created_at'.", "expires_after.anchor"));
            }

            if (expires["seconds"] is JsonValue value && value.TryGetValue<int>(out var s))
            {
                seconds = s;
            }
        }

        if (seconds is < MinSeconds or > MaxSeconds)
        {
            return (400,
                Error("invalid_value", $"expires_after.seconds must be between {MinSeconds} and {MaxSeconds}.", "expires_after.seconds"));
        }

        var session = request["session"] is JsonObject given ? (JsonObject)given.DeepClone() : new JsonObject { ["type"] = "transcription" };
        session["object"] = "realtime.session";
        session["id"] = "sess_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
        var value2 = "ek_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var expiresAt = clock.GetUtcNow().AddSeconds(seconds);
        lock (_gate)
        {
            _issued[value2] = expiresAt;
        }

        return (200, new JsonObject { ["value"] = value2, ["expires_at"] = expiresAt.ToUnixTimeSeconds(), ["session"] = session });
    }

    /// <summary>Whether the bearer token is an issued key that has not expired (sessions may outlive it once open).</summary>
    public bool IsValid(string? token)
    {
        if (token is null)
        {
            return false;
        }

        lock (_gate)
        {
            return _issued.TryGetValue(token, out var expiresAt) && clock.GetUtcNow() < expiresAt;
        }
    }

    /// <summary>Whether the bearer token was issued here (valid or expired).</summary>
    public bool WasIssued(string? token)
    {
        if (token is null)
        {
            return false;
        }

        lock (_gate)
        {
            return _issued.ContainsKey(token);
        }
    }

    private static JsonObject Error(string code, string message, string? param) =>
        new() { ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error", ["param"] = param,
            ["code"] = code } };
}
