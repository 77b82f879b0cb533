using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace AudioSdk;

/// <summary>
/// What the service said about a response besides its body: status, request id, provider headers
/// (such as a router's routed model and receipt id) and every raw response header.
/// Request headers, and so the API key, are never part of it.
/// </summary>
public sealed class ResponseMetadata
{
    private static readonly string[] RequestIdHeaders = ["x-request-id", "request-id", "x-amzn-requestid", "x-correlation-id", "cf-ray"];

    private readonly HttpHeaders? _responseHeaders;
    private readonly HttpHeaders? _contentHeaders;
    private Dictionary<string, IReadOnlyList<string>>? _headers;
    private ProviderFields _provider;
    private RateLimitInfo? _rateLimits;

    /// <summary>Metadata of a result that did not come from a response (a result built in a test).</summary>
    public static ResponseMetadata None { get; } = new(HttpStatusCode.OK);

    /// <summary>Creates metadata from its parts; <see cref="AudioModelFactory"/> offers the same for tests.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="headers">Response headers; names are compared without regard to case.</param>
    public ResponseMetadata(HttpStatusCode status, IEnumerable<KeyValuePair<string, IReadOnlyList<string>>>? headers = null)
    {
        Status = status;
        _headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        if (headers is not null)
        {
            foreach (var pair in headers)
            {
                _headers[pair.Key] = pair.Value;
            }
        }
    }

    // From a response: the header collections are kept and read on demand, so a caller that never looks at the
    // headers pays nothing to copy them.
    private ResponseMetadata(HttpStatusCode status, HttpHeaders responseHeaders, HttpHeaders contentHeaders)
    {
        Status = status;
        _responseHeaders = responseHeaders;
        _contentHeaders = contentHeaders;
    }

    /// <summary>The HTTP status code of the response.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>All response headers (including content headers), by case-insensitive name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Headers => _headers ?? Materialize();

    /// <summary>The request id the service assigned (<c>x-request-id</c> or a similar header), when it sent one.</summary>
    public string? RequestId
    {
        get
        {
            foreach (var name in RequestIdHeaders)
            {
                if (GetHeader(name) is { Length: > 0 } value)
                {
                    return value;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// The model a router actually used, when the provider reports it: <c>tresor.routed_model</c> in a JSON body,
    /// else the <c>X-Tresor-Routed-Model</c> header (text formats), so every response format gives the same value.
    /// </summary>
    public string? RoutedModel => _provider.RoutedModel ?? GetHeader("X-Tresor-Routed-Model");

    /// <summary>
    /// The billing or audit receipt id, when the provider reports it: <c>tresor.receipt_id</c> in a JSON body, else
    /// the <c>X-Tresor-Receipt-Id</c> header. It matches the receipt id of the <c>GET /usage</c> record.
    /// </summary>
    public string? ReceiptId => _provider.ReceiptId ?? GetHeader("X-Tresor-Receipt-Id");

    /// <summary>The route or model the request asked a router for (<c>tresor.requested_route</c>, or the <c>X-Tresor-Requested-Route</c>
    /// header).</summary>
    public string? RequestedRoute => _provider.RequestedRoute ?? GetHeader("X-Tresor-Requested-Route");

    /// <summary>
    /// Whether a router failed over to another model than the one requested (<c>tresor.failover</c>, or the
    /// <c>X-Tresor-Failover</c> header); <see langword="null"/> when the provider does not say.
    /// </summary>
    public bool? Failover => _provider.Failover ?? ParseBool(GetHeader("X-Tresor-Failover"));

    /// <summary>The rate limits the service reported in <c>x-ratelimit-*</c> headers; its members are <see langword="null"/> where a header
    /// was absent.</summary>
    public RateLimitInfo RateLimits => _rateLimits ??= RateLimitInfo.FromHeaders(this);

    /// <summary>The model that served the request (<c>openai-model</c>), when the provider reports it.</summary>
    public string? Model => GetHeader("openai-model");

    /// <summary>Server-side processing time (<c>openai-processing-ms</c>), when the provider reports it.</summary>
    public TimeSpan? ProcessingTime =>
        double.TryParse(GetHeader("openai-processing-ms"), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(ms)
            : null;

    /// <summary>Returns a header's values joined by a comma, or <see langword="null"/> when the response did not carry it.</summary>
    /// <param name="name">The header name, in any case.</param>
    public string? GetHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_headers is null && _responseHeaders is not null)
        {
            return Find(_responseHeaders, name) ?? Find(_contentHeaders!, name);
        }

        return (_headers ?? Materialize()).TryGetValue(name, out var values) ? string.Join(",", values) : null;

        static string? Find(HttpHeaders headers, string name)
        {
            if (!headers.NonValidated.TryGetValues(name, out var values))
            {
                return null;
            }

            return values.Count == 1 ? values.ToString() : string.Join(",", values);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{(int)Status} {Status}" + (RequestId is { } id ? $" (request id {id})" : string.Empty);

    /// <summary>
    /// Takes a router's metadata from a JSON body's extra fields, as a nested object (<c>"tresor": {"routed_model": ...}</c>)
    /// or as dotted names (<c>"tresor.routed_model"</c>). Values of an unexpected type are ignored.
    /// </summary>
    internal ResponseMetadata WithBodyFields(IReadOnlyDictionary<string, JsonElement>? fields)
    {
        if (fields is null || fields.Count == 0)
        {
            return this;
        }

        fields.TryGetValue("tresor", out var nested);
        _provider = new ProviderFields(
            Text(fields, nested, "requested_route"),
            Text(fields, nested, "routed_model"),
            Text(fields, nested, "receipt_id"),
            Find(fields, nested, "failover") is { } failover
                ? failover.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.String => ParseBool(failover.GetString()),
                    _ => null,
                }
                : null);
        return this;

        static string? Text(IReadOnlyDictionary<string, JsonElement> fields, JsonElement nested, string name) =>
            Find(fields, nested, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

        static JsonElement? Find(IReadOnlyDictionary<string, JsonElement> fields, JsonElement nested, string name)
        {
            if (nested.ValueKind == JsonValueKind.Object && nested.TryGetProperty(name, out var inner))
            {
                return inner;
            }

            return fields.TryGetValue("tresor." + name, out var dotted) ? dotted : null;
        }
    }

    private static bool? ParseBool(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => null,
    };

    internal static ResponseMetadata FromResponse(HttpResponseMessage response) =>
        new(response.StatusCode, response.Headers, response.Content.Headers);

    private Dictionary<string, IReadOnlyList<string>> Materialize()
    {
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        if (_responseHeaders is not null)
        {
            lock (_responseHeaders)
            {
                Add(headers, _responseHeaders);
                Add(headers, _contentHeaders!);
            }
        }

        return Interlocked.CompareExchange(ref _headers, headers, null) ?? headers;

        static void Add(Dictionary<string, IReadOnlyList<string>> target, HttpHeaders source)
        {
            foreach (var header in source.NonValidated)
            {
                var values = new List<string>(header.Value.Count);
                foreach (var value in header.Value)
                {
                    values.Add(value);
                }

                target[header.Key] = values;
            }
        }
    }

    private readonly record struct ProviderFields(string? RequestedRoute, string? RoutedModel, string? ReceiptId, bool? Failover);
}
