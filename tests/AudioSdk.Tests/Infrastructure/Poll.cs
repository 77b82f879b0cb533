namespace AudioSdk.Tests.Infrastructure;

/// <summary>Waits for a condition that another task makes true (a server's record, a counter), with a bound.</summary>
public static class Poll
{
    /// <summary>Checks every 10 ms until <paramref name="condition"/> holds; fails the test after <paramref name="timeout"/> (15 s by default).</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "the condition did not become true in time");
    }
}
