using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace AudioSdk.Tests.Infrastructure;

/// <summary>
/// A logger provider that keeps every record whole, as a structured sink would store it: the formatted message, each
/// key-value pair of the state, every scope in force (its text and its pairs) and the exception.
/// </summary>
public sealed class RecordingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<Record> Records { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    /// <summary>Every text a sink could store for a record, values rendered as a sink would (collections element by element).</summary>
    public static IEnumerable<string> Texts(Record record)
    {
        yield return record.Message;
        foreach (var (key, value) in record.State)
        {
            yield return key + "=" + value;
        }

        foreach (var scope in record.Scopes)
        {
            yield return scope;
        }

        if (record.Exception is not null)
        {
            yield return record.Exception;
        }
    }

    private static string Render(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        IEnumerable items => string.Join(",", items.Cast<object?>().Select(Render)),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static List<KeyValuePair<string, string>> Pairs(object? state) =>
        state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.Select(p => new KeyValuePair<string, string>(p.Key, Render(p.Value))).ToList() : [];

    public sealed record Record(string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyList<KeyValuePair<string, string>> State, IReadOnlyList<string> Scopes, string? Exception);

    private sealed class Logger(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<string>();
            owner._scopes.ForEachScope(
                (scope, list) =>
                {
                    list.Add(Render(scope));
                    list.AddRange(Pairs(scope).Select(p => p.Key + "=" + p.Value));
                },
                scopes);
            owner.Records.Enqueue(new Record(category, logLevel, eventId, formatter(state, exception), Pairs(state), scopes, exception?.ToString()));
        }
    }
}
