using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Http.Logging;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The HTTP client factory's request logging for an audio client, written so that no secret reaches a sink: the same
/// categories, event ids, levels and messages as the factory's own (<c>System.Net.Http.HttpClient.{name}.LogicalHandler</c>
/// and <c>.ClientHandler</c>, 100-103), but the structured state holds only the rendered, redacted values. The factory's
/// own header lines mask a secret in their message and keep it, whole, in their key-value pairs.
/// </summary>
internal sealed partial class RedactingHttpClientLogger(ILogger logger, Func<string, bool> shouldRedact, bool logical) : IHttpClientLogger
{
    public object? LogRequestStart(HttpRequestMessage request)
    {
        var uri = SafeUri(request.RequestUri);
        var scope = logical ? logger.BeginScope(new PipelineScope(request.Method.Method, uri)) : null;
        if (logical)
        {
            PipelineStart(logger, request.Method.Method, uri);
        }
        else
        {
            RequestStart(logger, request.Method.Method, uri);
        }

        if (logger.IsEnabled(LogLevel.Trace))
        {
            var headers = Render(request.Headers, request.Content?.Headers);
            if (logical)
            {
                PipelineRequestHeaders(logger, headers);
            }
            else
            {
                RequestHeaders(logger, headers);
            }
        }

        return scope;
    }

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed)
    {
        var milliseconds = elapsed.TotalMilliseconds;
        if (logical)
        {
            PipelineEnd(logger, milliseconds, (int)response.StatusCode);
        }
        else
        {
            RequestEnd(logger, milliseconds, (int)response.StatusCode);
        }

        if (logger.IsEnabled(LogLevel.Trace))
        {
            var headers = Render(response.Headers, response.Content?.Headers);
            if (logical)
            {
                PipelineResponseHeaders(logger, headers);
            }
            else
            {
                ResponseHeaders(logger, headers);
            }
        }

        (context as IDisposable)?.Dispose();
    }

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception,
        TimeSpan elapsed)
    {
        RequestFailed(logger, elapsed.TotalMilliseconds, exception.GetType().Name, exception);
        (context as IDisposable)?.Dispose();
    }

    /// <summary>The URI without user information, and without its query (which may hold a key): <c>?*</c> stands for it.</summary>
    internal static string SafeUri(Uri? uri)
    {
        if (uri is null)
        {
            return string.Empty;
        }

        if (!uri.IsAbsoluteUri)
        {
            var text = uri.OriginalString;
            var query = text.IndexOf('?', StringComparison.Ordinal);
            return query < 0 ? text : text[..query] + "?*";
        }

        var safe = uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        return uri.Query.Length > 0 ? safe + "?*" : safe;
    }

    private string Render(HttpHeaders headers, HttpHeaders? contentHeaders)
    {
        var text = new StringBuilder();
        Append(headers);
        if (contentHeaders is not null)
        {
            Append(contentHeaders);
        }

        return text.ToString();

        void Append(HttpHeaders from)
        {
            foreach (var header in from.NonValidated)
            {
                text.Append(header.Key).Append(": ");
                if (shouldRedact(header.Key))
                {
                    text.Append('*');
                }
                else
                {
                    var first = true;
                    foreach (var value in header.Value)
                    {
                        text.Append(first ? string.Empty : ", ").Append(value);
                        first = false;
                    }
                }

                text.Append("\r\n");
            }
        }
    }

    [LoggerMessage(100, LogLevel.Information, "Start processing HTTP request {HttpMethod} {Uri}", EventName = "RequestPipelineStart")]
    private static partial void PipelineStart(ILogger logger, string httpMethod, string uri);

    [LoggerMessage(101, LogLevel.Information, "End processing HTTP request after {ElapsedMilliseconds}ms - {StatusCode}", EventName = "RequestPipelineEnd")]
    private static partial void PipelineEnd(ILogger logger, double elapsedMilliseconds, int statusCode);

    [LoggerMessage(100, LogLevel.Information, "Sending HTTP request {HttpMethod} {Uri}", EventName = "RequestStart")]
    private static partial void RequestStart(ILogger logger, string httpMethod, string uri);

    [LoggerMessage(101, LogLevel.Information, "Received HTTP response headers after {ElapsedMilliseconds}ms - {StatusCode}", EventName = "RequestEnd")]
    private static partial void RequestEnd(ILogger logger, double elapsedMilliseconds, int statusCode);

    [LoggerMessage(102, LogLevel.Trace, "Request Headers:\r\n{Headers}", EventName = "RequestHeader")]
    private static partial void RequestHeaders(ILogger logger, string headers);

    [LoggerMessage(103, LogLevel.Trace, "Response Headers:\r\n{Headers}", EventName = "ResponseHeader")]
    private static partial void ResponseHeaders(ILogger logger, string headers);

    [LoggerMessage(102, LogLevel.Trace, "Request Headers:\r\n{Headers}", EventName = "RequestPipelineRequestHeader")]
    private static partial void PipelineRequestHeaders(ILogger logger, string headers);

    [LoggerMessage(103, LogLevel.Trace, "Response Headers:\r\n{Headers}", EventName = "RequestPipelineResponseHeader")]
    private static partial void PipelineResponseHeaders(ILogger logger, string headers);

    [LoggerMessage(104, LogLevel.Warning, "HTTP request failed after {ElapsedMilliseconds}ms ({ExceptionType})", EventName = "RequestFailed")]
    private static partial void RequestFailed(ILogger logger, double elapsedMilliseconds, string exceptionType, Exception exception);

    /// <summary>The logical request's scope, <c>HTTP {HttpMethod} {Uri}</c>, with the redacted URI.</summary>
    private sealed class PipelineScope(string method, string uri) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 3;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("HttpMethod", method),
            1 => new("Uri", uri),
            2 => new("{OriginalFormat}", "HTTP {HttpMethod} {Uri}"),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"HTTP {method} {uri}";
    }
}
