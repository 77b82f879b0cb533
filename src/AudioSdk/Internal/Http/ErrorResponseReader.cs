using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace AudioSdk.Internal.Http;

/// <summary>
/// Turns a failed response into an <see cref="AudioServiceException"/>. Copes with OpenAI's
/// <c>{"error": {...}}</c>, flat <c>{"error": "..."}</c> strings, FastAPI's <c>{"detail": ...}</c>,
/// top-level <c>message</c>/<c>code</c>, and HTML or empty bodies from proxies.
/// </summary>
internal static class ErrorResponseReader
{
    /// <summary>How much of an error body is kept.</summary>
    public const int MaxBodyChars = 16 * 1024;

    public static async Task<AudioServiceException> ReadAsync(HttpResponseMessage response, string? apiKey, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var metadata = ResponseMetadata.FromResponse(response);
        string body;
        try
        {
            body = await ReadCappedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            body = string.Empty;
        }

        body = SecretRedactor.Redact(body, apiKey)!;
        var retryAfter = ReadRetryAfter(response, timeProvider);
        return Create(response.StatusCode, SecretRedactor.Redact(response.ReasonPhrase, apiKey),
            response.Content.Headers.ContentType?.MediaType, body, metadata, retryAfter, apiKey);
    }

    public static AudioServiceException Create(HttpStatusCode status, string? reason, string? mediaType, string body,
        ResponseMetadata metadata, TimeSpan? retryAfter, string? apiKey = null)
    {
        var (message, type, code, param) = Parse(body);
        var statusText = $"HTTP {(int)status} {reason ?? status.ToString()}";
        if (message is null)
        {
            message = string.IsNullOrWhiteSpace(body)
                ? "the response had no body"
                : IsHtml(mediaType, body)
                    ? $"the response was an HTML page{(HtmlTitle(body) is { } title ? $" titled '{title}'" : string.Empty)}, likely from a proxy or gateway"
                    : Snippet(body);
        }

        var text = new StringBuilder("The audio service returned ").Append(statusText);
        if (code is not null)
        {
            text.Append(" (").Append(code).Append(')');
        }

        text.Append(": ").Append(message);
        if (metadata.RequestId is { } requestId)
        {
            text.Append(" Request id: ").Append(requestId).Append('.');
        }

        return new AudioServiceException(
            SecretRedactor.Redact(text.ToString(), apiKey)!,
            status,
            SecretRedactor.Redact(type, apiKey),
            SecretRedactor.Redact(code, apiKey),
            SecretRedactor.Redact(param, apiKey),
            metadata.RequestId,
            body.Length == 0 ? null : body,
            metadata,
            retryAfter);
    }

    /// <summary>An <c>error</c> event that arrived inside a successful stream (status 0), with the secret redacted from every
    /// field.</summary>
    public static AudioServiceException FromStreamEvent(JsonElement root, ResponseMetadata metadata, string streamName, string? apiKey)
    {
        var raw = SecretRedactor.Redact(root.GetRawText(), apiKey)!;
        var (message, type, code, param) = Parse(root);
        return new AudioServiceException(
            SecretRedactor.Redact($"The audio service reported an error in the {streamName}{(code is null ? string.Empty : $" ({code})")}: {message ?? raw}", apiKey)!,
            0,
            SecretRedactor.Redact(type, apiKey),
            SecretRedactor.Redact(code, apiKey),
            SecretRedactor.Redact(param, apiKey),
            metadata.RequestId,
            raw,
            metadata);
    }

    /// <summary>Reads an error object from a JSON body (also used for error events inside streams).</summary>
    public static (string? Message, string? Type, string? Code, string? Param) Parse(string body)
    {
        if (string.IsNullOrWhiteSpace(body) || body.AsSpan().TrimStart()[0] is not ('{' or '['))
        {
            return default;
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            return Parse(doc.RootElement);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    public static (string? Message, string? Type, string? Code, string? Param) Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        if (root.TryGetProperty("error", out var error))
        {
            if (error.ValueKind == JsonValueKind.Object)
            {
                return (Text(error, "message"), Text(error, "type"), Text(error, "code") ?? Text(root, "code"), Text(error, "param"));
            }

            if (error.ValueKind == JsonValueKind.String)
            {
                return (error.GetString(), Text(root, "type"), Text(root, "code"), Text(root, "param"));
            }
        }

        if (root.TryGetProperty("detail", out var detail))
        {
            return (detail.ValueKind == JsonValueKind.String ? detail.GetString() : detail.GetRawText(), Text(root, "type"),
                Text(root, "code"), null);
        }

        var message = Text(root, "message");
        return message is null ? default : (message, Text(root, "type"), Text(root, "code"), Text(root, "param"));
    }

    public static TimeSpan? ReadRetryAfter(HttpResponseMessage response, TimeProvider timeProvider)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var msValues) &&
            double.TryParse(msValues.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        if (response.Headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            if (retryAfter.Date is { } date)
            {
                var wait = date - timeProvider.GetUtcNow();
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
            }
        }

        return null;
    }

    private static async Task<string> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var streamScope = stream.ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var buffer = new char[MaxBodyChars];
        var total = 0;
        int read;
        while (total < buffer.Length
            && (read = await reader.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        return new string(buffer, 0, total);
    }

    private static string? Text(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        };
    }

    private static bool IsHtml(string? mediaType, string body) =>
        mediaType is "text/html" || body.AsSpan().TrimStart().StartsWith("<", StringComparison.Ordinal);

    private static string? HtmlTitle(string body)
    {
        var start = body.IndexOf("<title>", StringComparison.OrdinalIgnoreCase);
        if (start < 0)
        {
            return null;
        }

        start += "<title>".Length;
        var end = body.IndexOf("</title>", start, StringComparison.OrdinalIgnoreCase);
        return end > start ? body[start..end].Trim() : null;
    }

    private static string Snippet(string body)
    {
        var trimmed = body.Trim();
        return trimmed.Length <= 200 ? trimmed : trimmed[..200] + "...";
    }
}
