namespace AudioSdk.Realtime.Uplink;

/// <summary>Stage 6 of the uplink: when asked, holds each chunk back until the audio before it has had its real time.</summary>
internal sealed class Pacer(bool enabled, int wireRate, TimeProvider time)
{
    private long? _start;
    private TimeSpan _sent;

    public async ValueTask WaitAsync(int chunkBytes, CancellationToken cancellationToken)
    {
        if (!enabled)
        {
            return;
        }

        _start ??= time.GetTimestamp();
        var due = _sent - time.GetElapsedTime(_start.Value);
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due, time, cancellationToken).ConfigureAwait(false);
        }

        _sent += TimeSpan.FromSeconds(chunkBytes / 2.0 / wireRate);
    }
}
