using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioSdk.Internal.Http;

namespace AudioSdk.Realtime;

/// <summary>The body and the answer of <c>POST /realtime/client_secrets</c>.</summary>
internal static class ClientSecretRequest
{
    /// <summary>The path, relative to the endpoint.</summary>
    internal const string Path = "realtime/client_secrets";

    /// <summary>Checks the options before anything is sent and throws one <see cref="ArgumentException"/> naming every problem.</summary>
    internal static void Validate(RealtimeClientSecretOptions options) => options.Validate();

    /// <summary>The JSON body: the lifetime, and the session with the model where the session type keeps it, merged with the caller's extra
    /// fields.</summary>
    internal static byte[] Body(RealtimeClientSecretOptions options)
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

    /// <summary>The body as UTF-8 JSON content, made anew for each attempt.</summary>
    internal static ByteArrayContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    /// <summary>Reads the key and its expiry; an answer without a key is <c>invalid_response</c>.</summary>
    internal static async Task<RealtimeClientSecret> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var metadata = ResponseMetadata.FromResponse(response);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String
                    && value.GetString() is { Length: > 0 } key)
            {
                DateTimeOffset? expiresAt = root.TryGetProperty("expires_at", out var at) && at.ValueKind == JsonValueKind.Number
                    && at.TryGetInt64(out var seconds)
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

        throw ResponseReader.InvalidResponse(response,
            string.Create(CultureInfo.InvariantCulture,
            $"The service answered {(int)response.StatusCode} to POST {Path} without a client secret ('value')."));
    }
}
