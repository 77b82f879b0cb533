using System.CommandLine;
using AudioSdk.Security;
using AudioSdk.Testing;

namespace AudioSdk.Cli.Connection;

/// <summary>
/// The client a command uses, built from flags, then the named profile, then the environment
/// (<c>AUDIO_API_BASE_URL</c>, <c>AUDIO_API_KEY</c>), then the default profile; or, with <c>--offline</c>,
/// pointed at an embedded <see cref="AudioTestServer"/>. Requests pass through one <see cref="BatchPause"/>.
/// </summary>
internal sealed class AudioConnection : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpMessageHandler _handler;
    private readonly string? _logPath;

    private AudioConnection(AudioClient client, HttpClient http, HttpMessageHandler handler, BatchPause pause, AudioTestServer? server,
        Profile? profile, string? logPath)
    {
        Client = client;
        _http = http;
        _handler = handler;
        Pause = pause;
        Server = server;
        Profile = profile;
        _logPath = logPath;
    }

    public AudioClient Client { get; }

    public BatchPause Pause { get; }

    /// <summary>The embedded server with <c>--offline</c>.</summary>
    public AudioTestServer? Server { get; }

    public Profile? Profile { get; }

    /// <summary>Where requests go, for messages: the endpoint and whether a key and pins are set, never the key.</summary>
    public string Description { get; private init; } = string.Empty;

    /// <summary>Opens a connection, runs the command's body with it, and closes it.</summary>
    public static async Task<int> UseAsync(ParseResult parse, GlobalOptions options, CliConsole console, Func<AudioConnection,
        Task<int>> body, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(parse, options, console, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await body(connection).ConfigureAwait(false);
        }
    }

    public static async Task<AudioConnection> OpenAsync(ParseResult parse, GlobalOptions options, CliConsole console,
        CancellationToken cancellationToken)
    {
        var profileName = parse.GetValue(options.Profile);
        var configPath = parse.GetValue(options.Config);
        var profile = Profile.Load(configPath ?? Profile.DefaultPath(console), profileName, configPath is not null
            || console.GetEnvironmentVariable("AUDIO_CONFIG") is { Length: > 0 });
        var explicitProfile = profileName is not null ? profile : null;

        var retry = new AudioClientRetryOptions();
        if (parse.GetValue(options.Retries) is { } retries)
        {
            if (retries is < 0 or > 20)
            {
                throw new CliUsageException("--retries takes 0 to 20.");
            }

            retry.MaxRetries = retries;
        }

        if (parse.GetValue(options.MaxRetryAfter) is { } maxWait)
        {
            if (maxWait > TimeSpan.FromDays(1))
            {
                throw new CliUsageException("--max-retry-after takes at most 1d.");
            }

            retry.MaxRetryAfter = maxWait;
        }

        if (parse.GetValue(options.Timeout) is { } limit && (limit < TimeSpan.FromSeconds(1) || limit > TimeSpan.FromDays(1)))
        {
            throw new CliUsageException("--timeout takes 1s to 1d.");
        }

        var pause = new BatchPause(TimeProvider.System)
        {
            MaxWait = retry.MaxRetryAfter,
            Waiting = (wait, until, reason) => console.Error.WriteLine(
                $"waiting {Durations.Describe(wait)}, until {until.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)} UTC, before sending more: {reason}"),
        };
        AudioTestServer? server = null;
        string? apiKey;
        Uri endpoint;
        var pins = parse.GetValue(options.Pins) ?? [];
        if (parse.GetValue(options.Offline))
        {
            server = await AudioTestServer.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(options.OfflineLatency) is { } latency && latency > TimeSpan.Zero)
            {
                for (var i = 0; i < 20_000; i++)
                {
                    server.Enqueue(new ScriptedResponse { Delay = latency });
                }
            }

            endpoint = server.Endpoint;
            apiKey = parse.GetValue(options.ApiKey);
            pins = [];
        }
        else
        {
            var url = parse.GetValue(options.BaseUrl)
                ?? explicitProfile?.BaseUrl
                ?? NonEmpty(console.GetEnvironmentVariable("AUDIO_API_BASE_URL"))
                ?? profile?.BaseUrl

                    ?? throw new CliUsageException("No server given: pass --base-url, set AUDIO_API_BASE_URL, add a profile to the config file, or try --offline.");
            if (!Uri.TryCreate(url, UriKind.Absolute, out endpoint!)
                || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            {
                throw new CliUsageException($"'{ScrubUserInfo(url)}' is not an http or https URL.");
            }

            apiKey = parse.GetValue(options.ApiKey)
                ?? ProfileKey(explicitProfile, console)
                ?? NonEmpty(console.GetEnvironmentVariable("AUDIO_API_KEY"))
                ?? ProfileKey(profile, console);
            if (pins.Length == 0 && profile?.Pins is { Count: > 0 } profilePins)
            {
                pins = [.. profilePins];
            }
        }

        var clientOptions = new AudioClientOptions { Endpoint = endpoint, ApiKey = apiKey, Retry = retry, ApplicationId = "audio-cli" };
        if (parse.GetValue(options.Timeout) is { } attemptLimit)
        {
            clientOptions.NetworkTimeout = attemptLimit;
        }
        HttpMessageHandler primary;
        if (pins.Length > 0)
        {
            List<TlsPin> parsed = [];
            foreach (var pin in pins)
            {
                try
                {
                    parsed.Add(TlsPin.FromHex(pin));
                }
                catch (Exception ex) when (ex is ArgumentException or FormatException)
                {
                    throw new CliUsageException($"--pin '{pin}' is not a SHA-256 fingerprint in hex (64 characters).");
                }
            }

            var pinned = new PinnedHttpHandler(endpoint, new StaticPinAttestor(parsed));
            clientOptions.HttpHandler = pinned;
            primary = pinned;
        }
        else
        {
            primary = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
                ConnectTimeout = TimeSpan.FromSeconds(15) };
        }

        var http = new HttpClient(new PauseHandler(pause, new TranscriptSizeCapHandler(primary)),
            disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        AudioClient client;
        try
        {
            client = new AudioClient(http, clientOptions);
        }
        catch (ArgumentException ex)
        {
            http.Dispose();
            primary.Dispose();
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }

            throw new CliUsageException(ex.Message);
        }

        var description = ScrubUserInfo(endpoint.GetLeftPart(UriPartial.Path)) + (server is not null ? " (embedded test server)" : string.Empty)
            + (apiKey is { Length: > 0 } ? ", key set" : ", no key") + (pins.Length > 0 ? $", {pins.Length} pin(s)" : string.Empty)
            + (profile is not null ? $", profile {profile.Name}" : string.Empty);
        return new AudioConnection(client, http, primary, pause, server, profile,
            parse.GetValue(options.OfflineLog)) { Description = description };
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _http.Dispose();
        _handler.Dispose();
        if (Server is not null)
        {
            if (_logPath is not null)
            {
                var lines = Server.Requests.Select(r => $"{r.Method} {r.Path} {r.Audio?.FileName ?? "-"}");
                await File.AppendAllLinesAsync(_logPath, lines).ConfigureAwait(false);
            }

            await Server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A URL for messages: a user name and password in it (<c>user:pass@host</c>) are replaced by <c>***</c>.</summary>
    internal static string ScrubUserInfo(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var start = scheme < 0 ? 0 : scheme + 3;
        var end = url.IndexOfAny(['/', '?', '#'], start);
        var authority = end < 0 ? url[start..] : url[start..end];
        var at = authority.LastIndexOf('@');
        return at < 0 ? url : url[..start] + "***@" + url[(start + at + 1)..];
    }

    private static string? ProfileKey(Profile? profile, CliConsole console) =>
        profile is null ? null : profile.ApiKey ?? (profile.ApiKeyEnv is { } name ? NonEmpty(console.GetEnvironmentVariable(name)) : null);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
