using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using AudioSdk.Audio;
using AudioSdk.Devices;
using AudioSdk.Realtime;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AudioSdk.Benchmarks;

/// <summary>
/// The live device path against a PulseAudio daemon started here (a null sink "speaker", a pipe source "mic", 24 kHz):
/// <list type="bullet">
/// <item><see cref="CaptureToSocket_20msBlocks"/>: a 20 ms block written into the pipe source (the microphone) until the
/// append carrying it arrives at a WebSocket server on 127.0.0.1 (PulseAudioCapture at 20 ms blocks, RealtimeSession.CaptureAsync,
/// 20 ms chunks); the P50/P95 columns are the figures. The pipe source is not clocked: the block is there whole at
/// once, so this is the SDK's and the server's part; a real microphone adds the block's own 20 ms before its last sample
/// exists (target: P95 at most 40 ms from the block's first sample, so at most 20 ms here).</item>
/// <item><see cref="PlaybackPosition_vs_Monitor"/>: 200 ms clips played through AudioPlayback and PulseAudioPlayback at 20 ms
/// blocks; 100 ms in, PlayedOf(item) (what a truncation would send) is read and compared with how much of the clip the
/// sink's monitor had recorded by then. The time column is only the wait; the error figures are printed at cleanup
/// ("// position error"). Target: within 20 ms.</item>
/// </list>
/// Skipped with a message where pulseaudio is not installed.
/// dotnet run -c Release --project benchmarks/AudioSdk.Benchmarks -- --filter '*DeviceLatency*' (runs in process, short)
/// </summary>
[Config(typeof(LatencyConfig))]
public class DeviceLatencyBenchmarks
{
    private const int Rate = 24000;
    private const int BlockBytes = Rate / 50 * 2;
    private readonly object _pipeGate = new();
    private readonly List<short> _monitor = [];
    private readonly List<(long Timestamp, int Count)> _monitorArrivals = [];
    private readonly List<(short[] Clip, long Timestamp, TimeSpan Reported)> _reads = [];
    private Process? _daemon;
    private string _dir = string.Empty;
    private FileStream? _pipe;
    private Thread? _silence;
    private volatile bool _stopping;
    private WebApplication? _server;
    private AudioClient? _client;
    private RealtimeSession? _session;
    private PulseAudioCapture? _mic;
    private PulseAudioCapture? _monitorCapture;
    private PulseAudioPlayback? _speaker;
    private AudioPlayback? _playback;
    private CancellationTokenSource? _cancel;
    private Task? _capture;
    private TaskCompletionSource? _seen;
    private volatile int _expected;
    private int _next;

    // Synchronous: the in-process toolchain does not await an asynchronous setup or cleanup.
    [GlobalSetup]
    public void Setup()
    {
        try
        {
            SetupAsync().GetAwaiter().GetResult();
        }
        catch
        {
            // The cleanup is not run after a failed setup: the daemon must not outlive the run.
            if (_daemon is { HasExited: false } daemon)
            {
                daemon.Kill();
                daemon.WaitForExit();
            }

            throw;
        }
    }

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var binary = new[] { "/usr/bin/pulseaudio", "/bin/pulseaudio" }.FirstOrDefault(File.Exists);
        if (binary is null || !OperatingSystem.IsLinux())
        {
            Console.WriteLine("// DeviceLatency: skipped: pulseaudio is not installed (apt-get install pulseaudio); these figures need a real daemon.");
            return;
        }

        _dir = Directory.CreateTempSubdirectory("audiosdk-bench-pulse-").FullName;
        var socket = Path.Combine(_dir, "native");
        var start = new ProcessStartInfo(binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[]
        {
            "-n", "--daemonize=no", "--exit-idle-time=-1", "--system=false", "--use-pid-file=false", "--log-target=stderr",
            "-L", $"module-native-protocol-unix socket={socket} auth-anonymous=1",
            "-L", $"module-null-sink sink_name=speaker format=s16le rate={Rate} channels=1",
            "-L", $"module-pipe-source source_name=mic file={Path.Combine(_dir, "mic.pipe")} format=s16le rate={Rate} channels=1",
        })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = start.Environment["PULSE_RUNTIME_PATH"] = start.Environment["PULSE_STATE_PATH"] = _dir;
        _daemon = Process.Start(start)!;
        _daemon.BeginErrorReadLine();
        _daemon.BeginOutputReadLine();
        for (var i = 0; i < 100 && !File.Exists(socket); i++)
        {
            await Task.Delay(100);
        }

        var server = "unix:" + socket;
        _server = await StartServerAsync();
        var endpoint = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1/");
        _client = new AudioClient(new AudioClientOptions { Endpoint = endpoint, ApiKey = "sk-bench", Retry = AudioClientRetryOptions.None });
        _session = await _client.StartRealtimeSessionAsync(new RealtimeSessionOptions
        {
            Model = "m",
            InputSampleRate = Rate,
            ChunkDuration = TimeSpan.FromMilliseconds(20),
        });

        // The microphone: the pipe source fed 20 ms of silence every 20 ms, as a device would be.
        _mic = new PulseAudioCapture(Rate, TimeSpan.FromMilliseconds(20), device: "mic", server: server);
        _pipe = new FileStream(Path.Combine(_dir, "mic.pipe"), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
        _silence = new Thread(FeedSilence) { IsBackground = true };
        _silence.Start();
        _cancel = new CancellationTokenSource();
        _capture = _session.CaptureAsync(_mic, _cancel.Token);

        // The speaker, playing silence while empty, and its monitor.
        _monitorCapture = new PulseAudioCapture(Rate, TimeSpan.FromMilliseconds(20), device: "speaker.monitor", server: server);
        _monitorCapture.DataAvailable += (_, e) =>
        {
            lock (_monitor)
            {
                _monitor.AddRange(Pcm16.FromBytes(e.Buffer.AsSpan(0, e.BytesRecorded).ToArray()));
                _monitorArrivals.Add((Stopwatch.GetTimestamp(), _monitor.Count));
            }
        };
        _monitorCapture.StartRecording();
        _speaker = new PulseAudioPlayback(Rate, TimeSpan.FromMilliseconds(20), device: "speaker", server: server);
        _playback = new AudioPlayback(Rate);
        _playback.UsePosition(_speaker);
        _speaker.Init(_playback);
        _speaker.Play();
        await Task.Delay(500);
    }

    private async Task CleanupAsync()
    {
        if (_daemon is null)
        {
            return;
        }

        await Task.Delay(500);
        if (_reads.Count > 0)
        {
            ReportPositionError();
        }
        _stopping = true;
        _cancel?.Cancel();
        try
        {
            await (_capture ?? Task.CompletedTask);
        }
        catch (OperationCanceledException)
        {
        }

        _silence?.Join();
        _mic?.Dispose();
        _monitorCapture?.Dispose();
        _speaker?.Dispose();
        _pipe?.Dispose();
        await (_session?.DisposeAsync() ?? ValueTask.CompletedTask);
        _client?.Dispose();
        await (_server?.DisposeAsync() ?? ValueTask.CompletedTask);
        _daemon.Kill();
        await _daemon.WaitForExitAsync();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A 20 ms block into the microphone, until its append arrives on the server's socket.</summary>
    [Benchmark]
    public async Task CaptureToSocket_20msBlocks()
    {
        if (_pipe is null)
        {
            return;
        }

        // A level no other block has, so the server knows this one.
        var level = (short)(1000 + (Interlocked.Increment(ref _next) % 20000));
        var block = Pcm16.ToBytes(Enumerable.Repeat(level, BlockBytes / 2).ToArray());
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _seen = seen;
        _expected = level;
        lock (_pipeGate)
        {
            _pipe.Write(block);
        }

        await seen.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    /// <summary>A 200 ms clip played; 100 ms in, the position a truncation would send is read (compared with the monitor at cleanup).</summary>
    [Benchmark]
    public async Task PlaybackPosition_vs_Monitor()
    {
        if (_playback is null)
        {
            return;
        }

        var seed = Interlocked.Increment(ref _next);
        var random = new Random(seed);
        var clip = Enumerable.Range(0, Rate / 5).Select(_ => (short)random.Next(-12000, 12000)).ToArray();
        var item = "item_" + seed;
        _playback.Enqueue(Pcm16.ToBytes(clip), item);
        await Task.Delay(100);
        var reported = _playback.PlayedOf(item);
        var now = Stopwatch.GetTimestamp();
        lock (_reads)
        {
            _reads.Add((clip, now, reported));
        }

        await Task.Delay(150);
    }

    private void FeedSilence()
    {
        var silence = new byte[BlockBytes];
        var clock = Stopwatch.StartNew();
        for (long n = 0; !_stopping; n++)
        {
            var due = TimeSpan.FromMilliseconds(n * 20);
            if (due > clock.Elapsed)
            {
                Thread.Sleep(due - clock.Elapsed);
            }

            lock (_pipeGate)
            {
                _pipe!.Write(silence);
            }
        }
    }

    private void ReportPositionError()
    {
        short[] monitor;
        (long Timestamp, int Count)[] arrivals;
        lock (_monitor)
        {
            monitor = [.. _monitor];
            arrivals = [.. _monitorArrivals];
        }

        var errors = new List<double>();
        foreach (var (clip, timestamp, reported) in _reads)
        {
            var start = Find(monitor, clip);
            if (start < 0)
            {
                continue;
            }

            // What the monitor had recorded of the clip when the position was read.
            var recorded = arrivals.LastOrDefault(a => a.Timestamp <= timestamp).Count;
            var recordedOfClip = Math.Clamp(recorded - start, 0, clip.Length);
            errors.Add(reported.TotalMilliseconds - (recordedOfClip * 1000.0 / Rate));
        }

        if (errors.Count == 0)
        {
            Console.WriteLine("// position error: no clip was found on the monitor");
            return;
        }

        var absolute = errors.Select(Math.Abs).Order().ToArray();
        Console.WriteLine($"// position error (reported PlayedOf minus the monitor's recording of the clip at that moment), {errors.Count} reads of {_reads.Count}: " +
            $"mean {errors.Average():0.0} ms, |error| P50 {absolute[absolute.Length / 2]:0.0} ms, P95 {absolute[Math.Min(absolute.Length - 1, (int)(absolute.Length * 0.95))]:0.0} ms, max {absolute[^1]:0.0} ms");
    }

    private static int Find(short[] haystack, short[] clip)
    {
        for (var i = Array.IndexOf(haystack, clip[0]); i >= 0 && i + 16 <= haystack.Length; i = Array.IndexOf(haystack, clip[0], i + 1))
        {
            if (haystack.AsSpan(i, 16).SequenceEqual(clip.AsSpan(0, 16)))
            {
                return i;
            }
        }

        return -1;
    }

    private async Task<WebApplication> StartServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 404;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await socket.SendAsync("""{"type":"session.created","event_id":"event_0001","session":{"id":"sess_bench"}}"""u8.ToArray(), WebSocketMessageType.Text, true, default);
            var buffer = new byte[1 << 20];
            while (socket.State == WebSocketState.Open)
            {
                var length = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), default);
                    length += result.Count;
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                if (buffer.AsSpan(0, length).IndexOf("\"session.update\""u8) >= 0)
                {
                    await socket.SendAsync("""{"type":"session.updated","event_id":"event_0002","session":{}}"""u8.ToArray(), WebSocketMessageType.Text, true, default);
                    continue;
                }

                Inspect(buffer.AsSpan(0, length));
            }
        });
        await app.StartAsync();
        return app;
    }

    // An append that carries the expected level completes the waiting benchmark call.
    private void Inspect(ReadOnlySpan<byte> message)
    {
        var expected = _expected;
        if (expected == 0 || message.IndexOf("input_audio_buffer.append"u8) < 0)
        {
            return;
        }

        using var json = JsonDocument.Parse(message.ToArray());
        if (!json.RootElement.TryGetProperty("audio", out var audio))
        {
            return;
        }

        var samples = Pcm16.FromBytes(audio.GetBytesFromBase64());
        if (Array.IndexOf(samples, (short)expected) >= 0)
        {
            _expected = 0;
            _seen?.TrySetResult();
        }
    }

    private sealed class LatencyConfig : ManualConfig
    {
        public LatencyConfig()
        {
            // In process: the daemon and the server live in this process; short: 5 warm-up and 60 measured calls each.
            AddJob(Job.Dry.WithStrategy(RunStrategy.Monitoring).WithWarmupCount(5).WithIterationCount(60).WithInvocationCount(1).WithUnrollFactor(1).WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(StatisticColumn.P50, StatisticColumn.P95, StatisticColumn.Max);
        }
    }
}
