using System.Globalization;
using AudioSdk;
using AudioSdk.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="AudioClient"/>s with dependency injection, on top of <c>IHttpClientFactory</c>.</summary>
/// <remarks>
/// The factory's request logging for an audio client (categories <c>System.Net.Http.HttpClient.{name}.LogicalHandler</c>
/// and <c>.ClientHandler</c>, event ids 100-104) is the SDK's own: the same lines, but header values that carry a secret
/// (the key's headers, any header named like a key, token, secret or cookie, and those named with
/// <c>RedactLoggedHeaders</c>) are masked in the message and absent from the structured state and scopes. Calling
/// <c>AddDefaultLogger()</c> on the returned builder brings back the factory's own logging, whose structured state
/// carries header values unmasked at Trace.
/// </remarks>
public static class AudioClientServiceCollectionExtensions
{
    /// <summary>The HTTP client name of the default (unnamed) audio client.</summary>
    public const string DefaultName = "AudioSdk.AudioClient";

    /// <summary>Registers the default <see cref="AudioClient"/> (a singleton), configured by a delegate.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The HTTP client builder, to add your own handlers.</returns>
    public static IHttpClientBuilder AddAudioClient(this IServiceCollection services, Action<AudioClientOptions> configure) =>
        Add(services, null, configure);

    /// <summary>Registers the default <see cref="AudioClient"/> from a configuration section (see <see cref="Bind"/> for the
    /// keys).</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The section, such as <c>configuration.GetSection("Audio")</c>.</param>
    public static IHttpClientBuilder AddAudioClient(this IServiceCollection services, IConfiguration section) =>
        Add(services, null, options => Bind(section, options));

    /// <summary>Registers a named <see cref="AudioClient"/>, resolved as a keyed service (<c>[FromKeyedServices(name)]</c>) or through
    /// <see cref="IAudioClientFactory"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The client's name (and service key).</param>
    /// <param name="configure">Sets the options.</param>
    public static IHttpClientBuilder AddAudioClient(this IServiceCollection services, string name, Action<AudioClientOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Add(services, name, configure);
    }

    /// <summary>Registers a named <see cref="AudioClient"/> from a configuration section.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The client's name (and service key).</param>
    /// <param name="section">The section.</param>
    public static IHttpClientBuilder AddAudioClient(this IServiceCollection services, string name, IConfiguration section)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Add(services, name, options => Bind(section, options));
    }

    /// <summary>
    /// Reads options from configuration without reflection: <c>Endpoint</c>, <c>ApiKey</c>, <c>Organization</c>,
    /// <c>Project</c>, <c>ApplicationId</c>, <c>NetworkTimeout</c> and <c>StreamIdleTimeout</c> (TimeSpans such as <c>00:10:00</c>),
    /// <c>Retry:MaxRetries</c>, <c>Retry:BaseDelay</c>, <c>Retry:MaxDelay</c>, <c>Retry:MaxRetryAfter</c>, <c>Retry:UseJitter</c>,
    /// <c>TlsPins</c> (a list of hex pins) and <c>DefaultHeaders</c> (a map). Unreadable values are reported by start-up validation.
    /// </summary>
    /// <param name="section">The section.</param>
    /// <param name="options">The options to fill.</param>
    public static void Bind(IConfiguration section, AudioClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (section["Endpoint"] is { Length: > 0 } endpoint)
        {
            if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            {
                options.Endpoint = uri;
            }
            else
            {
                problems.Add($"Endpoint '{endpoint}' is not an absolute URI.");
            }
        }

        options.ApiKey = section["ApiKey"] ?? options.ApiKey;
        options.Organization = section["Organization"] ?? options.Organization;
        options.Project = section["Project"] ?? options.Project;
        options.ApplicationId = section["ApplicationId"] ?? options.ApplicationId;
        ReadTime(section, "NetworkTimeout", v => options.NetworkTimeout = v, problems);
        ReadTime(section, "StreamIdleTimeout", v => options.StreamIdleTimeout = v, problems);
        var retry = section.GetSection("Retry");
        if (retry["MaxRetries"] is { } max)
        {
            if (int.TryParse(max, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                options.Retry.MaxRetries = n;
            }
            else
            {
                problems.Add($"Retry:MaxRetries '{max}' is not a number.");
            }
        }

        ReadTime(retry, "BaseDelay", v => options.Retry.BaseDelay = v, problems);
        ReadTime(retry, "MaxDelay", v => options.Retry.MaxDelay = v, problems);
        ReadTime(retry, "MaxRetryAfter", v => options.Retry.MaxRetryAfter = v, problems);
        if (retry["UseJitter"] is { } jitter)
        {
            options.Retry.UseJitter = !bool.TryParse(jitter, out var j) || j;
        }

        foreach (var pin in section.GetSection("TlsPins").GetChildren())
        {
            try
            {
                options.TlsPins.Add(TlsPin.FromHex(pin.Value ?? string.Empty));
            }
            catch (ArgumentException ex)
            {
                problems.Add($"TlsPins:{pin.Key}: {ex.Message}");
            }
        }

        foreach (var header in section.GetSection("DefaultHeaders").GetChildren())
        {
            options.DefaultHeaders[header.Key] = header.Value ?? string.Empty;
        }

        BindingProblems.Set(options, problems);
    }

    private static readonly HashSet<string> SensitiveHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "WWW-Authenticate", "Proxy-Authenticate", "api-key", "x-api-key", "Cookie", "Set-Cookie",
    };

    private static readonly string[] SensitiveNameParts = ["key", "token", "secret", "auth", "password", "credential", "signature",
        "cookie", "session"];

    /// <summary>Headers whose values are never logged: the ones that carry the key, and any whose name says it holds a secret.</summary>
    internal static bool IsSensitiveHeader(string name) =>
        SensitiveHeaders.Contains(name) || SensitiveNameParts.Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase));

    private static IHttpClientBuilder Add(IServiceCollection services, string? name, Action<AudioClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var optionsName = name ?? Options.Options.DefaultName;
        var clientName = name ?? DefaultName;
        services.AddOptions<AudioClientOptions>(optionsName).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AudioClientOptions>, AudioClientOptionsValidator>());
        services.TryAddSingleton<IAudioClientFactory, AudioClientFactory>();

        // Pinning keeps working under the factory: the pinned handler is the primary handler, one per client name,
        // kept for the client's life (the factory never rotates it), and handed to the client for the realtime socket too.
        services.AddKeyedSingleton<PinnedHandlerHolder>(clientName, (sp, _) =>
            new PinnedHandlerHolder(sp.GetRequiredService<IOptionsMonitor<AudioClientOptions>>().Get(optionsName)));
        var builder = services.AddHttpClient(clientName)
            .ConfigurePrimaryHttpMessageHandler(sp =>
                (HttpMessageHandler?)sp.GetRequiredKeyedService<PinnedHandlerHolder>(clientName).Primary
                ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);

        // Header values are logged at Trace: the headers that carry the key (and any whose name says it holds a secret)
        // are redacted, after every other configuration, so a later RedactLoggedHeaders(...) adds to this rather than
        // replacing it.
        services.PostConfigure<HttpClientFactoryOptions>(clientName, factory =>
        {
            var others = factory.ShouldRedactHeaderValue;
            factory.ShouldRedactHeaderValue = header => IsSensitiveHeader(header) || others(header);
        });

        // The factory's own logging masks a redacted header in the message but keeps its value in the record's
        // structured state, which OpenTelemetry, Serilog or Application Insights store: it is replaced by the same
        // lines (categories, event ids, levels, messages, scope) whose state holds only the redacted text.
        builder.RemoveAllLoggers()
            .AddLogger(sp => CreateLogger(sp, clientName, logical: true), wrapHandlersPipeline: true)
            .AddLogger(sp => CreateLogger(sp, clientName, logical: false), wrapHandlersPipeline: false);

        if (name is null)
        {
            services.AddSingleton(sp => sp.GetRequiredService<IAudioClientFactory>().CreateClient(null));
        }
        else
        {
            services.AddKeyedSingleton<AudioClient>(name, (sp, key) =>
                sp.GetRequiredService<IAudioClientFactory>().CreateClient((string)key!));
        }

        return builder;
    }

    private static RedactingHttpClientLogger CreateLogger(IServiceProvider services, string clientName, bool logical)
    {
        var loggers = services.GetService<ILoggerFactory>() ?? Logging.Abstractions.NullLoggerFactory.Instance;
        var redact = services.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get(clientName).ShouldRedactHeaderValue;
        var category = $"System.Net.Http.HttpClient.{clientName}.{(logical ? "LogicalHandler" : "ClientHandler")}";
        return new RedactingHttpClientLogger(loggers.CreateLogger(category), header => IsSensitiveHeader(header) || redact(header),
            logical);
    }

    private static void ReadTime(IConfiguration section, string key, Action<TimeSpan> set, List<string> problems)
    {
        if (section[key] is not { } value)
        {
            return;
        }

        if (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var time))
        {
            set(time);
        }
        else
        {
            problems.Add($"{key} '{value}' is not a TimeSpan (such as 00:10:00).");
        }
    }
}
