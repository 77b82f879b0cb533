using AudioSdk.Realtime.Drivers;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// The rules of <see cref="KeyedWaiters{T}"/>: outcomes that come before their wait are remembered (the last 256 of
/// them), a later completion replaces an earlier one, a failure never overrides a completion, and closing fails every
/// wait still open and every later one with the first reason given.
/// </summary>
public sealed class KeyedWaitersTestsForRules
{
    private const int Kept = 256;

    private sealed record Outcome(string? Id, string Value);

    private static KeyedWaiters<Outcome> Create() => new(static o => o.Id);

    [Fact]
    public async Task ACompletionBeforeTheWait_IsHandedToTheLaterWait()
    {
        var waiters = Create();
        var done = new Outcome("a", "first");
        waiters.Complete(done);

        var wait = waiters.WaitAsync("a");

        Assert.True(wait.IsCompletedSuccessfully);
        Assert.Same(done, await wait);
    }

    [Fact]
    public async Task ACompletionAfterTheWait_CompletesIt()
    {
        var waiters = Create();
        var wait = waiters.WaitAsync("a");
        Assert.False(wait.IsCompleted);
        Assert.Same(wait, waiters.WaitAsync("a"));

        var done = new Outcome("a", "first");
        waiters.Complete(done);

        Assert.Same(done, await wait.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ASecondCompletion_ReplacesTheFirst()
    {
        var waiters = Create();
        waiters.Complete(new Outcome("a", "first"));
        var second = new Outcome("a", "second");
        waiters.Complete(second);

        Assert.Same(second, await waiters.WaitAsync("a"));
    }

    [Fact]
    public async Task ACompletionWithoutAnId_IsIgnored()
    {
        var waiters = Create();
        waiters.Complete(new Outcome(null, "anonymous"));
        var wait = waiters.WaitAsync("a");
        waiters.Complete(new Outcome("a", "named"));

        Assert.Equal("named", (await wait.WaitAsync(TimeSpan.FromSeconds(10))).Value);
    }

    [Fact]
    public async Task AFailureAfterTheWait_FailsItWithThatException()
    {
        var waiters = Create();
        var wait = waiters.WaitAsync("a");
        var failure = new InvalidOperationException("refused");

        waiters.Fail("a", failure);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => wait.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Same(failure, thrown);
    }

    [Fact]
    public async Task AFailureAfterACompletion_IsIgnored()
    {
        var waiters = Create();
        var done = new Outcome("a", "first");
        waiters.Complete(done);

        waiters.Fail("a", new InvalidOperationException("late"));

        Assert.Same(done, await waiters.WaitAsync("a"));
    }

    [Fact]
    public void ASecondFailure_KeepsTheFirst()
    {
        var waiters = Create();
        var first = new InvalidOperationException("first");
        waiters.Fail("a", first);
        waiters.Fail("a", new InvalidOperationException("second"));

        Assert.Same(first, waiters.WaitAsync("a").Exception!.InnerException);
    }

    [Fact]
    public async Task ExactlyKeptCompletions_AreAllRemembered()
    {
        var waiters = Create();
        for (var i = 0; i < Kept; i++)
        {
            waiters.Complete(new Outcome($"id{i}", $"v{i}"));
        }

        for (var i = 0; i < Kept; i++)
        {
            var wait = waiters.WaitAsync($"id{i}");
            Assert.True(wait.IsCompletedSuccessfully, $"id{i} was forgotten");
            Assert.Equal($"v{i}", (await wait).Value);
        }
    }

    [Fact]
    public void OneCompletionPastKept_ForgetsOnlyTheOldest()
    {
        var waiters = Create();
        for (var i = 0; i <= Kept; i++)
        {
            waiters.Complete(new Outcome($"id{i}", $"v{i}"));
        }

        Assert.False(waiters.WaitAsync("id0").IsCompleted);
        for (var i = 1; i <= Kept; i++)
        {
            Assert.True(waiters.WaitAsync($"id{i}").IsCompletedSuccessfully, $"id{i} was forgotten");
        }
    }

    [Fact]
    public void ExactlyKeptFailures_AreAllRemembered_AndOneMoreForgetsTheOldest()
    {
        var waiters = Create();
        for (var i = 0; i < Kept; i++)
        {
            waiters.Fail($"id{i}", new InvalidOperationException($"f{i}"));
        }

        for (var i = 0; i < Kept; i++)
        {
            Assert.Equal($"f{i}", waiters.WaitAsync($"id{i}").Exception!.InnerException!.Message);
        }

        waiters.Fail($"id{Kept}", new InvalidOperationException($"f{Kept}"));

        Assert.False(waiters.WaitAsync("id0").IsCompleted);
        Assert.True(waiters.WaitAsync("id1").IsFaulted);
        Assert.True(waiters.WaitAsync($"id{Kept}").IsFaulted);
    }

    [Fact]
    public async Task ACompletionReplacingAFailure_CountsOnceTowardsTheBound()
    {
        var waiters = Create();
        waiters.Fail("id0", new InvalidOperationException("lost"));
        waiters.Complete(new Outcome("id0", "v0"));
        for (var i = 1; i < Kept; i++)
        {
            waiters.Complete(new Outcome($"id{i}", $"v{i}"));
        }

        var first = waiters.WaitAsync("id0");
        Assert.True(first.IsCompletedSuccessfully, "id0 was forgotten before the bound");
        Assert.Equal("v0", (await first).Value);

        waiters.Complete(new Outcome($"id{Kept}", "past"));
        Assert.False(waiters.WaitAsync("id0").IsCompleted);
        Assert.True(waiters.WaitAsync("id1").IsCompletedSuccessfully);
    }

    [Fact]
    public async Task ARepeatedCompletion_CountsOnceTowardsTheBound()
    {
        var waiters = Create();
        waiters.Complete(new Outcome("id0", "v0"));
        waiters.Complete(new Outcome("id0", "again"));
        for (var i = 1; i < Kept; i++)
        {
            waiters.Complete(new Outcome($"id{i}", $"v{i}"));
        }

        var first = waiters.WaitAsync("id0");
        Assert.True(first.IsCompletedSuccessfully, "id0 was forgotten before the bound");
        Assert.Equal("again", (await first).Value);
    }

    [Fact]
    public async Task AFailureIgnoredAfterACompletion_DoesNotCountTowardsTheBound()
    {
        var waiters = Create();
        waiters.Complete(new Outcome("id0", "v0"));
        waiters.Fail("id0", new InvalidOperationException("late"));
        for (var i = 1; i < Kept; i++)
        {
            waiters.Complete(new Outcome($"id{i}", $"v{i}"));
        }

        var first = waiters.WaitAsync("id0");
        Assert.True(first.IsCompletedSuccessfully, "id0 was forgotten before the bound");
        Assert.Equal("v0", (await first).Value);
    }

    [Fact]
    public async Task Close_FailsTheOpenWaits_WithItsException()
    {
        var waiters = Create();
        var a = waiters.WaitAsync("a");
        var b = waiters.WaitAsync("b");
        var reason = new InvalidOperationException("closed");

        waiters.Close(reason);

        Assert.Same(reason, await Assert.ThrowsAsync<InvalidOperationException>(() => a.WaitAsync(TimeSpan.FromSeconds(10))));
        Assert.Same(reason, await Assert.ThrowsAsync<InvalidOperationException>(() => b.WaitAsync(TimeSpan.FromSeconds(10))));
    }

    [Fact]
    public void Close_FailsLaterWaits_WithTheFirstReason()
    {
        var waiters = Create();
        var first = new InvalidOperationException("first");
        waiters.Close(first);
        waiters.Close(new InvalidOperationException("second"));

        var wait = waiters.WaitAsync("a");

        Assert.True(wait.IsFaulted);
        Assert.Same(first, wait.Exception!.InnerException);
    }

    [Fact]
    public async Task AfterClose_RememberedOutcomesAreStillHandedOut()
    {
        var waiters = Create();
        var done = new Outcome("a", "first");
        var failure = new InvalidOperationException("refused");
        waiters.Complete(done);
        waiters.Fail("b", failure);

        waiters.Close(new InvalidOperationException("closed"));

        Assert.Same(done, await waiters.WaitAsync("a"));
        Assert.Same(failure, waiters.WaitAsync("b").Exception!.InnerException);
    }

    [Fact]
    public async Task AWaitFailedByClose_IsNotCompletedByALateOutcome_AndTheLateOutcomeIsKept()
    {
        var waiters = Create();
        var wait = waiters.WaitAsync("a");
        var reason = new InvalidOperationException("closed");
        waiters.Close(reason);
        var late = new Outcome("a", "late");

        waiters.Complete(late);

        Assert.Same(reason, await Assert.ThrowsAsync<InvalidOperationException>(() => wait.WaitAsync(TimeSpan.FromSeconds(10))));
        Assert.Same(late, await waiters.WaitAsync("a"));
    }

    [Fact]
    public async Task InsideASettlement_TheWaitCompletesOnlyAtFlush()
    {
        var waiters = Create();
        var wait = waiters.WaitAsync("a");
        var done = new Outcome("a", "first");

        Settlement.Begin();
        try
        {
            waiters.Complete(done);
            Assert.False(wait.IsCompleted);
        }
        finally
        {
            Settlement.Flush();
        }

        Assert.Same(done, await wait.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
