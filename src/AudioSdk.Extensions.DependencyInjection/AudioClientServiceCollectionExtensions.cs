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

    /// <summary>Registers the default <see cref="AudioClient"/> from a configuration section (see <see cref="Bind"/> for the keys).</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The section, such as <c>configuration.GetSection("Audio")</c>.</param>
    public static IHttpClientBuilder AddAudioClient(this IServiceCollection services, IConfiguration section) =>
        Add(services, null, options => Bind(section, options));

    /// <summary>Registers a named <see cref="AudioClient"/>, resolved as a keyed service (<c>[FromKeyedServices(name)]</c>) or through <see cref="IAudioClientFactory"/>.</summary>
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
        "Authorization", "Proxy-Authorization", "WWW-Authenticate", "Proxy-Authenticate", "api-key", "x-api-key",
    };

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
        services.AddKeyedSingleton<PinnedHandlerHolder>(clientName, (sp, _) => new PinnedHandlerHolder(sp.GetRequiredService<IOptionsMonitor<AudioClientOptions>>().Get(optionsName)));
        var builder = services.AddHttpClient(clientName)
            .ConfigurePrimaryHttpMessageHandler(sp => (HttpMessageHandler?)sp.GetRequiredKeyedService<PinnedHandlerHolder>(clientName).Primary ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);

        // The factory's own logging shows header values at Trace: the headers that carry the key are redacted,
        // after every other configuration, so a later RedactLoggedHeaders(...) adds to this rather than replacing it.
        services.PostConfigure<HttpClientFactoryOptions>(clientName, factory =>
        {
            var others = factory.ShouldRedactHeaderValue;
            factory.ShouldRedactHeaderValue = header => SensitiveHeaders.Contains(header) || others(header);
        });

        if (name is null)
        {
            services.AddSingleton(sp => sp.GetRequiredService<IAudioClientFactory>().CreateClient(null));
        }
        else
        {
            services.AddKeyedSingleton<AudioClient>(name, (sp, key) => sp.GetRequiredService<IAudioClientFactory>().CreateClient((string)key!));
        }

        return builder;
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
