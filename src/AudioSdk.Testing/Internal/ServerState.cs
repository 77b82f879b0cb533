using System.Globalization;
using System.Text.Json.Nodes;

namespace AudioSdk.Testing.Internal;

/// <summary>
/// What the server's middleware and endpoints share: the settings, the recorded requests and sessions, the scripts
/// waiting to be taken, the usage ledger and the ephemeral keys. Every list is guarded by one lock.
/// </summary>
internal sealed class ServerState(AudioTestServerOptions options)
{
    private readonly object _gate = new();
    private Tinfoil.SyntheticTinfoilEnclave? _tinfoil;
    private readonly List<ReceivedRequest> _requests = [];
    private readonly List<ScriptedResponse> _scripts = [];
    private readonly List<JsonObject> _usage = [];
    private readonly List<(Func<ReceivedRequest, bool> Match, TaskCompletionSource<ReceivedRequest> Done)> _waiters = [];
    private readonly List<RealtimeScriptedAction> _realtimeScripts = [];
    private readonly Queue<ConversationReply> _conversationReplies = new();
    private readonly List<ReceivedRealtimeSession> _realtimeSessions = [];
    private int _nextId;
    private int _activeResponses;
    private int _completedResponses;

    public AudioTestServerOptions Options { get; } = options;

    public ClientSecretIssuer Secrets { get; } = new(options.TimeProvider);

    public ConnectionCounters Counters { get; } = new();

    /// <summary>The EHBP side of the server, when <see cref="AudioTestServerOptions.Ehbp"/> is on.</summary>
    public Ehbp.EhbpServer? Ehbp { get; } = options.Ehbp ? new Ehbp.EhbpServer() : null;

    /// <summary>The Tinfoil attestation bundle and its synthetic AMD chain, when <see cref="AudioTestServerOptions.TinfoilBundle"/> is
    /// on.</summary>
    public Tinfoil.SyntheticTinfoilEnclave? Tinfoil => Options.TinfoilBundle && Options.Certificate is { } certificate && Ehbp is { } ehbp
        ? LazyInitializer.EnsureInitialized(ref _tinfoil, () =>
            new Tinfoil.SyntheticTinfoilEnclave(certificate, ehbp.PublicKey, Options.TimeProvider.GetUtcNow()))
        : null;

    public int ActiveResponses => Volatile.Read(ref _activeResponses);

    public int CompletedResponses => Volatile.Read(ref _completedResponses);

    public string NextRequestId() => "req_" + Interlocked.Increment(ref _nextId).ToString("D6", CultureInfo.InvariantCulture);

    public void ResponseStarted() => Interlocked.Increment(ref _activeResponses);

    public void ResponseFinished()
    {
        Interlocked.Decrement(ref _activeResponses);
        Interlocked.Increment(ref _completedResponses);
    }

    public List<ReceivedRequest> Requests()
    {
        lock (_gate)
        {
            return _requests.ToList();
        }
    }

    public List<ReceivedRealtimeSession> RealtimeSessions()
    {
        lock (_gate)
        {
            return _realtimeSessions.ToList();
        }
    }

    public void Add(ScriptedResponse script)
    {
        lock (_gate)
        {
            _scripts.Add(script);
        }
    }

    public void Add(RealtimeScriptedAction action)
    {
        lock (_gate)
        {
            _realtimeScripts.Add(action);
        }
    }

    public void Add(ConversationReply reply)
    {
        lock (_gate)
        {
            _conversationReplies.Enqueue(reply);
        }
    }

    public void Add(ReceivedRealtimeSession session)
    {
        lock (_gate)
        {
            _realtimeSessions.Add(session);
        }
    }

    /// <summary>Records a request and releases everyone waiting for one like it.</summary>
    public void Record(ReceivedRequest request)
    {
        List<TaskCompletionSource<ReceivedRequest>> release = [];
        lock (_gate)
        {
            _requests.Add(request);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(request))
                {
                    release.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var done in release)
        {
            done.TrySetResult(request);
        }
    }

    /// <summary>A request already received that matches, or a task completed by the first one that will.</summary>
    public Task<ReceivedRequest> WhenReceived(Func<ReceivedRequest, bool> match)
    {
        lock (_gate)
        {
            if (_requests.FirstOrDefault(match) is { } existing)
            {
                return Task.FromResult(existing);
            }

            var done = new TaskCompletionSource<ReceivedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
            return done.Task;
        }
    }

    public ScriptedResponse? TakeScript(string path) =>
        Take(_scripts, s => s.PathSuffix is null || path.EndsWith(s.PathSuffix, StringComparison.Ordinal));

    public RealtimeScriptedAction? TakeRealtimeScript(string? trigger) => Take(_realtimeScripts, s => s.OnClientEvent == trigger);

    public ConversationReply? TakeConversationReply()
    {
        lock (_gate)
        {
            return _conversationReplies.TryDequeue(out var reply) ? reply : null;
        }
    }

    public List<JsonObject> UsageRecords()
    {
        lock (_gate)
        {
            return _usage.Select(u => (JsonObject)u.DeepClone()).ToList();
        }
    }

    public void AddUsage(ReceivedRequest request, string model, string modality, string unit, double quantity, double? seconds,
        long? characters)
    {
        lock (_gate)
        {
            _usage.Add(new JsonObject
            {
                ["id"] = "usage_" + (_usage.Count + 1).ToString(CultureInfo.InvariantCulture),
                ["object"] = "usage.record",
                ["request_id"] = request.Id,
                ["model"] = model,
                ["modality"] = modality,
                ["billing_unit"] = unit,
                ["quantity"] = quantity,
                ["duration_seconds"] = seconds,
                ["characters"] = characters,
                ["created_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            });
        }
    }

    private T? Take<T>(List<T> list, Predicate<T> match)
        where T : class
    {
        lock (_gate)
        {
            var index = list.FindIndex(match);
            if (index < 0)
            {
                return null;
            }

            var item = list[index];
            list.RemoveAt(index);
            return item;
        }
    }
}
