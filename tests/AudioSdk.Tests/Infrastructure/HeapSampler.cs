namespace AudioSdk.Tests.Infrastructure;

/// <summary>Samples the managed heap every 20 ms from a full-collection baseline until disposed; growth = peak - baseline.</summary>
public sealed class HeapSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;

    public HeapSampler()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Baseline = GC.GetTotalMemory(forceFullCollection: true);
        _peak = Baseline;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var now = GC.GetTotalMemory(false);
                if (now > Interlocked.Read(ref _peak))
                {
                    Interlocked.Exchange(ref _peak, now);
                }

                await Task.Delay(20);
            }
        });
    }

    public long Baseline { get; }

    public long Peak => Interlocked.Read(ref _peak);

    public long Growth => Peak - Baseline;

    public override string ToString() => $"managed heap baseline {Baseline / 1048576.0:0.0} MiB, peak {Peak / 1048576.0:0.0} MiB (+{Growth / 1048576.0:0.0} MiB); process peak working set {System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MiB";

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
        _stop.Dispose();
    }
}
