using AudioSdk.Realtime.Uplink;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>Real-time pacing of the uplink, on a clock the test moves.</summary>
public sealed class PacerTests
{
    private const int Rate = 16_000;
    private const int TenthOfASecond = Rate / 10 * 2;

    [Fact]
    public async Task EachChunk_WaitsUntilTheAudioBeforeItHasHadItsTime_CountedFromTheFirst()
    {
        var clock = new ManualTimeProvider();
        await AssertPacedAsync(clock, clock);
    }

    [Fact]
    public async Task AClockWhoseTimestampsStartAtZero_PacesTheSame()
    {
        var clock = new ManualTimeProvider();
        await AssertPacedAsync(clock, new ZeroOriginClock(clock));
    }

    [Fact]
    public async Task PacingOff_NeverWaits()
    {
        var clock = new ManualTimeProvider();
        var pacer = new Pacer(enabled: false, Rate, clock);

        for (var i = 0; i < 5; i++)
        {
            Assert.True(pacer.WaitAsync(TenthOfASecond, default).IsCompletedSuccessfully);
        }

        Assert.Empty(clock.PendingDelays);
    }

    private static async Task AssertPacedAsync(ManualTimeProvider clock, TimeProvider time)
    {
        var pacer = new Pacer(enabled: true, Rate, time);

        // The first chunk goes at once; 50 ms later the second waits the other 50 ms of the first's tenth of a second.
        Assert.True(pacer.WaitAsync(TenthOfASecond, default).IsCompletedSuccessfully);
        clock.Advance(TimeSpan.FromMilliseconds(50));
        var second = pacer.WaitAsync(TenthOfASecond, default).AsTask();
        Assert.False(second.IsCompleted);
        Assert.Equal([TimeSpan.FromMilliseconds(50)], clock.PendingDelays);
        clock.Advance(TimeSpan.FromMilliseconds(50));
        await second.WaitAsync(TimeSpan.FromSeconds(10));

        // The third is due at 200 ms from the first.
        var third = pacer.WaitAsync(TenthOfASecond, default).AsTask();
        Assert.Equal([TimeSpan.FromMilliseconds(100)], clock.PendingDelays);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        await third.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
