using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using WireMock;
using WireMock.Logging;
using WireMock.Server;
using WireMock.Settings;

namespace AudioSdk.Tests.Contracts;

/// <summary>
/// A WireMock.Net server on 127.0.0.1 standing in for one provider: mappings serve the provider's documented responses,
/// the request log shows exactly what the SDK put on the wire.
/// </summary>
internal sealed class ContractServer : IDisposable
{
    public ContractServer()
    {
        // A free loopback port: the server listens on 127.0.0.1 only, never on every interface.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{port}"], StartAdminInterface = false });
    }

    public WireMockServer Server { get; }

    /// <summary>The base URL as the providers write it (<c>.../v1</c>).</summary>
    public Uri Endpoint => new(Server.Url + "/v1");

    public AudioClient Client(string apiKey, int retries = 0, TimeSpan? networkTimeout = null, Action<AudioClientOptions>? configure = null)
    {
        var options = new AudioClientOptions
        {
            Endpoint = Endpoint,
            ApiKey = apiKey,
            Retry = retries == 0
                ? AudioClientRetryOptions.None
                : new AudioClientRetryOptions { MaxRetries = retries, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50), UseJitter = false },
        };
        if (networkTimeout is { } timeout)
        {
            options.NetworkTimeout = timeout;
        }

        configure?.Invoke(options);
        return new AudioClient(options);
    }

    public IReadOnlyList<ILogEntry> Log => [.. Server.LogEntries];

    /// <summary>The one request the server saw, with the mapping it matched (a request no mapping matched fails here).</summary>
    public IRequestMessage SingleRequest()
    {
        var entry = Assert.Single(Server.LogEntries);
        Assert.True(entry.RequestMatchResult?.IsPerfectMatch == true, $"No mapping matched {entry.RequestMessage.Method} {entry.RequestMessage.Url}.");
        return entry.RequestMessage;
    }

    public static string? Header(IRequestMessage request, string name) =>
        request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.ToString();

    public static JsonElement Json(IRequestMessage request)
    {
        Assert.StartsWith("application/json", Header(request, "Content-Type"), StringComparison.OrdinalIgnoreCase);
        using var document = JsonDocument.Parse(Body(request));
        return document.RootElement.Clone();
    }

    /// <summary>The request's multipart form, read with ASP.NET Core's own multipart reader.</summary>
    public static async Task<Form> FormAsync(IRequestMessage request)
    {
        var contentType = MediaTypeHeaderValue.Parse(Header(request, "Content-Type"));
        Assert.Equal("multipart/form-data", contentType.MediaType.Value);
        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value!;
        var reader = new MultipartReader(boundary, new MemoryStream(Body(request)));
        var form = new Form();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            var disposition = ContentDispositionHeaderValue.Parse(section.ContentDisposition);
            using var bytes = new MemoryStream();
            await section.Body.CopyToAsync(bytes);
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value!;
            if (disposition.FileName.HasValue)
            {
                Assert.Null(form.File);
                form.File = new FilePart(name, HeaderUtilities.RemoveQuotes(disposition.FileName).Value!, section.ContentType, bytes.ToArray());
            }
            else
            {
                form.Fields.Add(new(name, Encoding.UTF8.GetString(bytes.ToArray())));
            }
        }

        return form;
    }

    private static byte[] Body(IRequestMessage request) =>
        request.BodyData?.BodyAsBytes ?? Encoding.UTF8.GetBytes(request.BodyData?.BodyAsString ?? request.Body ?? string.Empty);

    public void Dispose() => Server.Stop();

    internal sealed record FilePart(string Name, string FileName, string? ContentType, byte[] Bytes);

    internal sealed class Form
    {
        public List<KeyValuePair<string, string>> Fields { get; } = [];

        public FilePart? File { get; set; }

        public string? this[string name] => Fields.Where(f => f.Key == name).Select(f => f.Value).SingleOrDefault();

        public IEnumerable<string> All(string name) => Fields.Where(f => f.Key == name).Select(f => f.Value);

        public IEnumerable<string> Names => Fields.Select(f => f.Key);
    }
}
