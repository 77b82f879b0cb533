namespace AudioSdk.Security;

/// <summary>
/// The attestation in force for one endpoint, with what a transport builds on it (a pinned connection pool, or nothing
/// more): reused until its valid-until passes or it is marked stale; concurrent callers that find none wait for one
/// attestation; a failed attestation is not kept, so the next caller attests again. A replaced generation's value goes
/// to <c>retire</c> (a pool still carrying requests is released later, by its owner). Every transport that attests
/// (TLS pinning, EHBP) holds one of these rather than its own copy of the double-checked block.
/// </summary>
/// <typeparam name="T">What is built on each attestation.</typeparam>
internal sealed class AttestationCache<T> : IDisposable
{
    private readonly IEndpointAttestor _attestor;
    private readonly Uri _endpoint;
    private readonly TimeProvider _time;
    private readonly Func<AttestedEndpoint, Uri, T> _build;
    private readonly Action<T>? _retire;
    private readonly Func<CancellationToken, ValueTask<Uri>>? _resolve;
    private readonly SemaphoreSlim _attesting = new(1, 1);
    private readonly object _gate = new();
    private Entry? _current;
    private bool _stale;
    private int _attestations;

    /// <param name="attestor">Where attestations come from.</param>
    /// <param name="endpoint">The endpoint attested.</param>
    /// <param name="time">The clock for expiry.</param>
    /// <param name="build">Builds the generation's value on a new attestation and the endpoint it is for (called under the attestation
    /// lock).</param>
    /// <param name="retire">Receives the value of a generation a new one replaced.</param>
    /// <param name="resolve">
    /// For an attestation that names the endpoint (a router): where each attestation is made, asked again after a forced
    /// one (a fresh bundle may name another router); <see langword="null"/> to attest <paramref name="endpoint"/>.
    /// </param>
    public AttestationCache(IEndpointAttestor attestor, Uri endpoint, TimeProvider time, Func<AttestedEndpoint, Uri, T> build,
        Action<T>? retire = null, Func<CancellationToken, ValueTask<Uri>>? resolve = null)
    {
        _attestor = attestor;
        _endpoint = endpoint;
        _time = time;
        _build = build;
        _retire = retire;
        _resolve = resolve;
    }

    /// <summary>How many attestations have started.</summary>
    public int AttestationCount => Volatile.Read(ref _attestations);

    /// <summary>The generation in force, if any (it may have expired).</summary>
    public Entry? Current => Volatile.Read(ref _current);

    /// <summary>
    /// The generation in force, attesting first when there is none, it expired, or it was marked stale. With
    /// <paramref name="refresh"/>, <paramref name="seen"/> is marked stale first (only if it is still the one in force, so
    /// callers that saw the same bad generation cause one attestation between them).
    /// </summary>
    public async ValueTask<Entry> GetAsync(bool refresh, AttestedEndpoint? seen, CancellationToken cancellationToken)
    {
        if (refresh)
        {
            MarkStale(seen);
        }

        var current = Usable();
        if (current is not null)
        {
            return current;
        }

        await _attesting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = Usable();
            if (current is not null)
            {
                return current;
            }

            bool force;
            lock (_gate)
            {
                force = _stale;
            }

            Interlocked.Increment(ref _attestations);
            var endpoint = _resolve is null ? _endpoint : await ResolveAsync(cancellationToken).ConfigureAwait(false);
            var attested = await AttestationRun.RunAsync(_attestor, endpoint, force, _time, cancellationToken).ConfigureAwait(false);
            if (_resolve is not null && await ResolveAsync(cancellationToken).ConfigureAwait(false) is var named && named != endpoint)
            {
                // The forced attestation named another router: that one is attested (from the same verified bundle) and used.
                endpoint = named;
                attested = await AttestationRun.RunAsync(_attestor, endpoint, false, _time, cancellationToken).ConfigureAwait(false);
            }

            var next = new Entry(attested, _build(attested, endpoint), endpoint);
            Entry? replaced;
            lock (_gate)
            {
                replaced = _current;
                _current = next;
                _stale = false;
            }

            if (replaced is not null)
            {
                _retire?.Invoke(replaced.Value);
            }

            return next;
        }
        finally
        {
            _attesting.Release();
        }
    }

    /// <summary>The next caller attests again, if <paramref name="seen"/> is still the attestation in force.</summary>
    public void MarkStale(AttestedEndpoint? seen)
    {
        lock (_gate)
        {
            if (_current is not null && ReferenceEquals(_current.Attested, seen))
            {
                _stale = true;
            }
        }
    }

    /// <summary>Forgets the generation in force and returns it (for its owner to release).</summary>
    public Entry? Clear()
    {
        lock (_gate)
        {
            var current = _current;
            _current = null;
            return current;
        }
    }

    public void Dispose() => _attesting.Dispose();

    private async ValueTask<Uri> ResolveAsync(CancellationToken cancellationToken)
    {
        Uri named;
        try
        {
            named = await _resolve!(cancellationToken).ConfigureAwait(false);
        }
        catch (AttestationException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new AttestationException($"The attestation could not name the router to use: {ex.Message}", AttestationStage.Attestor,
                ex);
        }

        return named is { IsAbsoluteUri: true, Scheme: "https" }
            ? named
            : throw new AttestationException($"The attestation named '{named}' as the router; only an absolute https address is accepted.",
                AttestationStage.Authority);
    }

    private Entry? Usable()
    {
        lock (_gate)
        {
            return _current is { } current && !_stale && !current.Expired(_time) ? current : null;
        }
    }

    /// <summary>One attestation, what was built on it, and the endpoint it was made for (the router, when one is named).</summary>
    internal sealed record Entry(AttestedEndpoint Attested, T Value, Uri Endpoint)
    {
        public bool Expired(TimeProvider time) => Attested.ValidUntil is { } until && until <= time.GetUtcNow();
    }
}
