using System.Net;
using System.Net.Http.Headers;

namespace AudioSdk;

/// <summary>
/// What the service said about a response besides its body: status, request id, provider headers
/// (such as a router's routed model and receipt id) and every raw response header.
/// Request headers, and so the API key, are never part of it.
/// </summary>
public sealed class ResponseMetadata
{
    private static readonly string[] RequestIdHeaders = ["x-request-id", "request-id", "x-amzn-requestid", "x-correlation-id", "cf-ray"];

    private readonly Dictionary<string, IReadOnlyList<string>> _headers;

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

    /// <summary>The HTTP status code of the response.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>All response headers (including content headers), by case-insensitive name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Headers => _headers;

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

    /// <summary>The model a router actually used (<c>X-Tresor-Routed-Model</c>), when the provider reports it.</summary>
    public string? RoutedModel => GetHeader("X-Tresor-Routed-Model");

    /// <summary>The billing or audit receipt id (<c>X-Tresor-Receipt-Id</c>), when the provider reports it.</summary>
    public string? ReceiptId => GetHeader("X-Tresor-Receipt-Id");

    /// <summary>The model that served the request (<c>openai-model</c>), when the provider reports it.</summary>
    public string? Model => GetHeader("openai-model");

    /// <summary>Server-side processing time (<c>openai-processing-ms</c>), when the provider reports it.</summary>
    public TimeSpan? ProcessingTime =>
        double.TryParse(GetHeader("openai-processing-ms"), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(ms)
            : null;

    /// <summary>Returns a header's values joined by a comma, or <see langword="null"/> when the response did not carry it.</summary>
    /// <param name="name">The header name, in any case.</param>
    public string? GetHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _headers.TryGetValue(name, out var values) ? string.Join(",", values) : null;
    }

    /// <inheritdoc />
    public override string ToString() => $"{(int)Status} {Status}" + (RequestId is { } id ? $" (request id {id})" : string.Empty);

    internal static ResponseMetadata FromResponse(HttpResponseMessage response)
    {
        return new ResponseMetadata(response.StatusCode, Enumerate(response.Headers).Concat(Enumerate(response.Content.Headers)));

        static IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> Enumerate(HttpHeaders headers)
        {
            foreach (var header in headers.NonValidated)
            {
                var values = new List<string>(header.Value.Count);
                foreach (var value in header.Value)
                {
                    values.Add(value);
                }

                yield return new KeyValuePair<string, IReadOnlyList<string>>(header.Key, values);
            }
        }
    }
}
