using System.Security.Cryptography;
using AudioSdk.Security;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Security;

/// <summary>The one attestation cache every attested transport holds, on its own: scripted attestations, a hand-moved clock.</summary>
public sealed class AttestationCacheTests
{
    private static readonly Uri Endpoint = new("https://enclave.example/v1");
    private static readonly TlsPin Pin = TlsPin.FromBytes(SHA256.HashData("enclave key"u8));

    [Fact]
    public async Task AnAttestation_IsReusedUntilItsValidUntil_ThenAttestedAgain()
    {
        var clock = new ManualTimeProvider();
        var attestor = new CountingAttestor(() => new AttestedEndpoint("enclave.example", [Pin], validUntil: clock.GetUtcNow() + TimeSpan.FromMinutes(5)));
        var built = new List<AttestedEndpoint>();
        var retired = new List<int>();
        using var cache = new AttestationCache<int>(attestor, Endpoint, clock, (a, _) => { built.Add(a); return built.Count; }, retired.Add);

        var first = await cache.GetAsync(false, null, default);
        clock.Advance(TimeSpan.FromMinutes(4));
        var again = await cache.GetAsync(false, null, default);

        Assert.Same(first, again);
        Assert.Equal(1, cache.AttestationCount);
        Assert.Empty(retired);

        clock.Advance(TimeSpan.FromMinutes(1));
        var renewed = await cache.GetAsync(false, null, default);

        Assert.NotSame(first, renewed);
        Assert.Equal(2, renewed.Value);
        Assert.Equal(2, cache.AttestationCount);
        Assert.Equal([1], retired);
        Assert.Equal([false, false], attestor.Forced);
        Assert.Same(renewed, cache.Current);
    }

    [Fact]
    public async Task ConcurrentCallers_WithNothingCached_ShareOneAttestation()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attestor = new CountingAttestor(() => new AttestedEndpoint("enclave.example", [Pin]), release.Task);
        using var cache = new AttestationCache<object>(attestor, Endpoint, TimeProvider.System, (_, _) => new object());

        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(() => cache.GetAsync(false, null, default).AsTask())).ToArray();
        await attestor.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(50);
        release.SetResult();
        var entries = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, attestor.Calls);
        Assert.Equal(1, cache.AttestationCount);
        Assert.All(entries, e => Assert.Same(entries[0], e));
    }

    [Fact]
    public async Task AFailedAttestation_IsNotCached_TheNextCallerAttestsAgain()
    {
        var fail = true;
        var attestor = new CountingAttestor(() => fail ? throw new HttpRequestException("attestation service down") : new AttestedEndpoint("enclave.example", [Pin]));
        using var cache = new AttestationCache<string>(attestor, Endpoint, TimeProvider.System, (_, _) => "built");

        var error = await Assert.ThrowsAsync<AttestationException>(() => cache.GetAsync(false, null, default).AsTask());
        Assert.Equal(AttestationStage.Attestor, error.Stage);
        Assert.Contains("attestation service down", error.Message);
        Assert.Null(cache.Current);

        fail = false;
        var entry = await cache.GetAsync(false, null, default);

        Assert.Equal("built", entry.Value);
        Assert.Equal(2, attestor.Calls);
    }

    [Fact]
    public async Task MarkingStale_ForcesOneRefresh_OnlyForTheGenerationSeen()
    {
        var attestor = new CountingAttestor(() => new AttestedEndpoint("enclave.example", [Pin]));
        using var cache = new AttestationCache<object>(attestor, Endpoint, TimeProvider.System, (_, _) => new object());
        var first = await cache.GetAsync(false, null, default);

        // Two callers saw the same bad generation: one forced attestation between them.
        var second = await cache.GetAsync(true, first.Attested, default);
        var third = await cache.GetAsync(true, first.Attested, default);

        Assert.NotSame(first, second);
        Assert.Same(second, third);
        Assert.Equal([false, true], attestor.Forced);

        // A stale mark for an older generation changes nothing.
        cache.MarkStale(first.Attested);
        Assert.Same(second, await cache.GetAsync(false, null, default));
        Assert.Equal(2, attestor.Calls);
    }

    [Fact]
    public async Task AnAttestationForAnotherAuthority_IsRefused_AndNotCached()
    {
        var attestor = new CountingAttestor(() => new AttestedEndpoint("elsewhere.example", [Pin]));
        using var cache = new AttestationCache<object>(attestor, Endpoint, TimeProvider.System, (_, _) => new object());

        var error = await Assert.ThrowsAsync<AttestationException>(() => cache.GetAsync(false, null, default).AsTask());

        Assert.Equal(AttestationStage.Authority, error.Stage);
        Assert.Null(cache.Current);
    }

    private sealed class CountingAttestor(Func<AttestedEndpoint> attest, Task? gate = null) : IEndpointAttestor
    {
        private int _calls;

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<bool> Forced { get; } = [];

        public int Calls => Volatile.Read(ref _calls);

        public async ValueTask<AttestedEndpoint> AttestAsync(Uri endpoint, bool forceRefresh, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            lock (Forced)
            {
                Forced.Add(forceRefresh);
            }

            Started.TrySetResult();
            if (gate is not null)
            {
                await gate;
            }

            return attest();
        }
    }
}
