using System.Diagnostics;
using AudioSdk.Audio;
using AudioSdk.Devices;

namespace AudioSdk.Tests.Devices;

/// <summary>
/// The Linux device layer against a real PulseAudio daemon started here (<c>pulseaudio -n</c>, explicit modules, its
/// own runtime directory): a null sink is the speaker (its monitor recorded and compared with what was played), a pipe
/// source is the microphone (a known recording fed in, the captured samples compared: same samples, no gap, no duplicate).
/// </summary>
public sealed class PulseAudioDeviceTests(Xunit.Abstractions.ITestOutputHelper log)
{
    [Fact]
    public void NoServer_IsAClearAudioDeviceException()
    {
        var error = Assert.Throws<AudioDeviceException>(() => new PulseAudioCapture(16000, server: "unix:" + Path.Combine(Path.GetTempPath(), "no-such-pulse-" + Guid.NewGuid().ToString("N"))));
        Assert.StartsWith("No microphone device", error.Message, StringComparison.Ordinal);
    }

    [PulseAudioFact]
    public async Task PipeSource_IdleSource_StopRecordingAndDisposeReturn_AndLeaveNothingRunning()
    {
        await using var daemon = await PulseDaemon.StartAsync(log);
        var mic = new PulseAudioCapture(16000, TimeSpan.FromMilliseconds(20), device: "mic", server: daemon.Server);
        var blocks = 0;
        using var stopped = new ManualResetEventSlim();
        Exception? stoppedWith = null;
        mic.DataAvailable += (_, _) => Interlocked.Increment(ref blocks);
        mic.RecordingStopped += (_, e) =>
        {
            stoppedWith = e.Exception;
            stopped.Set();
        };
        mic.StartRecording();
        Assert.Equal(1, await daemon.CountAsync("source-outputs"));
        // Nothing writes to the pipe: the source is idle and a blocking read would never return.
        await Task.Delay(300);
        var stop = Task.Run(mic.StopRecording);
        var returned = await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(10))) == stop;
        Assert.True(returned, "StopRecording did not return within 10 s while the source was idle");
        Assert.False(mic.IsRecording);
        Assert.True(stopped.Wait(TimeSpan.FromSeconds(1)), "RecordingStopped was not raised");
        Assert.Null(stoppedWith);
        Assert.Equal(0, blocks);

        // Recording again, then Dispose while idle: it returns, and the daemon has no stream of ours left.
        mic.StartRecording();
        Assert.True(mic.IsRecording);
        await Task.Delay(200);
        var dispose = Task.Run(mic.Dispose);
        Assert.True(await Task.WhenAny(dispose, Task.Delay(TimeSpan.FromSeconds(10))) == dispose, "Dispose did not return within 10 s while the source was idle");
        Assert.False(mic.IsRecording);
        Assert.Equal(0, await daemon.CountAsync("source-outputs"));
        Assert.Throws<ObjectDisposedException>(mic.StartRecording);
    }

    [PulseAudioFact]
    public async Task CaptureAsync_IdleSource_CancelledOverTheTestServer_EndsAndStopsTheDevice()
    {
        await using var daemon = await PulseDaemon.StartAsync(log);
        await using var server = await AudioSdk.Testing.AudioTestServer.StartAsync();
        using var client = new AudioClient(new AudioClientOptions { Endpoint = server.Endpoint, ApiKey = "sk-test" });
        await using var session = await client.StartRealtimeSessionAsync(new AudioSdk.Realtime.RealtimeSessionOptions { Model = "gpt-4o-transcribe" });
        using var mic = new PulseAudioCapture(16000, TimeSpan.FromMilliseconds(20), device: "mic", server: daemon.Server);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        // Nothing is fed: the source is idle when the token fires.
        var capture = session.CaptureAsync(mic, cancel.Token);
        var ended = await Task.WhenAny(capture, Task.Delay(TimeSpan.FromSeconds(10))) == capture;

        Assert.True(ended, "CaptureAsync did not end within 10 s of its cancellation while the source was idle");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => capture);
        Assert.False(mic.IsRecording);
    }

    [PulseAudioFact]
    public async Task PipeSource_SixtySecondsCapturedLive_IsTheSameSamples_NoGapsNoDuplicates_ThenStopsWhileIdle()
    {
        await using var daemon = await PulseDaemon.StartAsync(log);
        const int rate = 16000;
        const int seconds = 60;
        var sent = KnownRecording(rate, seconds);
        var captured = new List<byte>(sent.Length * 2 + rate * 4);
        var clock = Stopwatch.StartNew();
        using (var mic = new PulseAudioCapture(rate, TimeSpan.FromMilliseconds(20), device: "mic", server: daemon.Server))
        {
            using var done = new ManualResetEventSlim();
            mic.DataAvailable += (_, e) =>
            {
                lock (captured)
                {
                    captured.AddRange(e.Buffer.AsSpan(0, e.BytesRecorded).ToArray());
                    if (captured.Count >= (sent.Length + (rate / 2)) * 2)
                    {
                        done.Set();
                    }
                }
            };
            mic.StartRecording();
            var writer = daemon.FeedAsync(Pcm16.ToBytes(sent));
            await writer.WaitAsync(TimeSpan.FromSeconds(seconds * 3));
            Assert.True(done.Wait(TimeSpan.FromSeconds(60)), $"the capture delivered {captured.Count / 2} of {sent.Length + (rate / 2)} samples");
            // The source is idle now: the stop must still return.
            var stop = Task.Run(mic.StopRecording);
            Assert.True(await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(10))) == stop, "StopRecording did not return within 10 s once the source was idle");
            Assert.False(mic.IsRecording);
        }

        var got = Pcm16.FromBytes(captured.ToArray());
        var start = Find(got, sent);
        log.WriteLine($"captured {got.Length} samples in {clock.Elapsed.TotalSeconds:0.0} s; the {sent.Length}-sample recording found from sample {start?.ToString() ?? "nowhere"}");
        Assert.True(start is not null, "the recording was not found whole in what was captured");
        var same = got.AsSpan(start!.Value, sent.Length).CommonPrefixLength(sent);
        Assert.True(same == sent.Length, $"the captured samples differ from the recording from sample {same} ({same / (double)rate:0.000} s): a gap, a duplicate or a change");
    }

    [PulseAudioFact]
    public async Task NullSink_PlaysAudioPlayback_AndItsMonitorRecordsTheSameSamples_AndDisposeStopsAll()
    {
        await using var daemon = await PulseDaemon.StartAsync(log);
        const int rate = 24000;
        // Not periodic: a pattern that repeats inside the clip would let a lost start pass for a later copy of itself.
        var random = new Random(22);
        var sent = Enumerable.Range(0, rate * 3).Select(_ => (short)random.Next(-15000, 15000)).ToArray();
        var playback = new AudioPlayback(rate);
        var monitor = new List<byte>();
        using (var mic = new PulseAudioCapture(rate, TimeSpan.FromMilliseconds(20), device: "speaker.monitor", server: daemon.Server))
        {
            mic.DataAvailable += (_, e) =>
            {
                lock (monitor)
                {
                    monitor.AddRange(e.Buffer.AsSpan(0, e.BytesRecorded).ToArray());
                }
            };
            mic.StartRecording();
            // 100 ms blocks (a 400 ms server buffer): on a loaded test machine 20 ms blocks can underrun, and the null sink
            // then records the silence it mixed in; the samples' exactness is what this test checks.
            var speaker = new PulseAudioPlayback(rate, TimeSpan.FromMilliseconds(100), device: "speaker", server: daemon.Server);
            playback.UsePosition(speaker);
            speaker.Init(playback);
            playback.Enqueue(Pcm16.ToBytes(sent), "item_1");
            playback.Complete();
            using var stopped = new ManualResetEventSlim();
            speaker.PlaybackStopped += (_, _) => stopped.Set();
            speaker.Play();
            Assert.Equal(1, await daemon.CountAsync("sink-inputs"));
            Assert.True(stopped.Wait(TimeSpan.FromSeconds(30)), "playback did not end");
            Assert.Equal(NAudio.Wave.PlaybackState.Stopped, speaker.PlaybackState);
            // The speaker's position is what was written less what the server still holds: within a block of the end once drained.
            Assert.InRange(playback.PlayedOf("item_1"), TimeSpan.FromMilliseconds(2980), TimeSpan.FromSeconds(3));
            speaker.Dispose();
            Assert.Equal(0, await daemon.CountAsync("sink-inputs"));

            // The monitor lags the sink by its own latency: keep recording until the whole of what was played is there.
            for (var waited = 0; waited < 100 && Find(Snapshot(), sent) is null; waited++)
            {
                await Task.Delay(100);
            }
        }

        Assert.Equal(0, await daemon.CountAsync("source-outputs"));
        var got = Snapshot();
        var start = Find(got, sent);
        var later = Find(got, sent, from: rate / 2);
        log.WriteLine($"monitor recorded {got.Length} samples; the recording found from sample {start?.ToString() ?? "nowhere"}");
        Assert.True(start is not null, $"the played samples were not found whole on the monitor{(later is { } at ? $": the clip from 0.5 s on is at sample {at}, and before it the monitor has {string.Join(' ', got.Skip(Math.Max(0, at - (rate / 2))).Take(8))} where the clip starts {string.Join(' ', sent.Take(8))}" : string.Empty)}");
        var same = got.AsSpan(start!.Value, sent.Length).CommonPrefixLength(sent);
        Assert.True(same == sent.Length, $"the monitor recorded other samples than were played from sample {same}: {string.Join(' ', got.Skip(start.Value + same).Take(8))} instead of {string.Join(' ', sent.Skip(same).Take(8))}");

        short[] Snapshot()
        {
            lock (monitor)
            {
                return Pcm16.FromBytes(monitor.ToArray());
            }
        }
    }

    /// <summary>
    /// A known recording of <paramref name="seconds"/>: espeak-ng's dictation with pink noise at 20 dB SNR, repeated, where
    /// espeak-ng is installed (CI), else seeded noise. The noise floor means no two neighbouring 16-sample windows are
    /// alike, so a gap or a duplicated block shows where it happens.
    /// </summary>
    private short[] KnownRecording(int rate, int seconds)
    {
        short[] source;
        if (Infrastructure.Dictation.Espeak is not null)
        {
            source = Infrastructure.Dictation.Generate(rate, 20, Infrastructure.Dictation.Noise.Pink, seed: 22).Samples;
            log.WriteLine($"recording: espeak-ng dictation, {source.Length / (double)rate:0.0} s, repeated to {seconds} s");
        }
        else
        {
            var random = new Random(22);
            source = Enumerable.Range(0, rate * seconds).Select(_ => (short)random.Next(-8000, 8000)).ToArray();
            log.WriteLine("recording: seeded noise (espeak-ng is not installed)");
        }

        var all = new short[rate * seconds];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = source[i % source.Length];
        }

        return all;
    }

    /// <summary>Where <paramref name="sent"/> (from sample <paramref name="from"/>) starts in <paramref name="got"/> with all of it recorded, or null.</summary>
    private static int? Find(short[] got, short[] sent, int from = 0)
    {
        for (var start = Array.IndexOf(got, sent[from]); start >= 0; start = Array.IndexOf(got, sent[from], start + 1))
        {
            if (start + sent.Length - from <= got.Length && got.AsSpan(start, 16).SequenceEqual(sent.AsSpan(from, 16)))
            {
                return start;
            }
        }

        return null;
    }
}
