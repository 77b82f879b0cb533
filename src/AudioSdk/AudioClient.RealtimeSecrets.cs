using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioSdk.Internal.Http;
using AudioSdk.Realtime;

namespace AudioSdk;

public partial class AudioClient
{
    private const string ClientSecretsPath = "realtime/client_secrets";

    /// <summary>
    /// Mints a short-lived realtime key (<c>POST /realtime/client_secrets</c>) with this client's API key, for a
    /// browser or mobile client that opens realtime sessions without ever holding the API key: return only
    /// <see cref="RealtimeClientSecret.Value"/> to it, and it sets <see cref="RealtimeSessionOptions.ClientSecret"/>.
    /// </summary>
    /// <param name="options">Lifetime and session configuration; defaults give a 10-minute transcription key.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The key with its expiry and the effective session configuration.</returns>
    /// <exception cref="ArgumentException">An option is invalid (checked before sending).</exception>
    /// <exception cref="AudioServiceException">The service answered with an error, or without a key.</exception>
    public virtual Task<RealtimeClientSecret> CreateRealtimeClientSecretAsync(RealtimeClientSecretOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RealtimeClientSecretOptions();
        options.Validate();
        var body = BuildClientSecretBody(options);
        var spec = new RequestSpec(HttpMethod.Post, ClientSecretsPath, () => ClientSecretContent(body), replayable: true)
        {
            Operation = "realtime.client_secret",
            Model = options.Model,
            UploadBytes = body.Length,
        };
        return SendAsync(spec, ReadClientSecretAsync, cancellationToken);
    }

    private static byte[] BuildClientSecretBody(RealtimeClientSecretOptions options)
    {
        var session = new JsonObject { ["type"] = options.SessionType };
        if (options.Model is { } model)
        {
            if (options.SessionType == "transcription")
            {
                session["audio"] = new JsonObject { ["input"] = new JsonObject { ["transcription"] = new JsonObject { ["model"] = model } } };
            }
            else
            {
                session["model"] = model;
            }
        }

        if (options.Session is { } extra)
        {
            Merge(session, extra);
        }

        var root = new JsonObject
        {
            ["expires_after"] = new JsonObject { ["anchor"] = "created_at", ["seconds"] = (long)options.ExpiresAfter.TotalSeconds },
            ["session"] = session,
        };
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            root.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();

        static void Merge(JsonObject target, JsonObject source)
        {
            foreach (var (name, value) in source)
            {
                if (value is JsonObject child && target[name] is JsonObject existing)
                {
                    Merge(existing, child);
                }
                else
                {
                    target[name] = value?.DeepClone();
                }
            }
        }
    }

    private static ByteArrayContent ClientSecretContent(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static async Task<RealtimeClientSecret> ReadClientSecretAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var metadata = ResponseMetadata.FromResponse(response);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } key)
            {
                DateTimeOffset? expiresAt = root.TryGetProperty("expires_at", out var at) && at.ValueKind == JsonValueKind.Number && at.TryGetInt64(out var seconds)
                    && seconds is > 0 and < 253402300800
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                    : null;
                return new RealtimeClientSecret(key, expiresAt)
                {
                    Session = root.TryGetProperty("session", out var session) ? session.Clone() : null,
                    Metadata = metadata,
                };
            }
        }
        catch (JsonException)
        {
        }
        catch (ArgumentException)
        {
        }

        throw new AudioServiceException(
            string.Create(CultureInfo.InvariantCulture, $"The service answered {(int)response.StatusCode} to POST {ClientSecretsPath} without a client secret ('value')."),
            response.StatusCode,
            code: AudioErrorCodes.InvalidResponse,
            requestId: metadata.RequestId,
            metadata: metadata);
    }
}
