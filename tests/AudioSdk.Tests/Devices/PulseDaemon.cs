using System.Diagnostics;

namespace AudioSdk.Tests.Devices;

/// <summary>A PulseAudio daemon of the test's own: a null sink "speaker" and a pipe source "mic", on a private socket.</summary>
internal sealed class PulseDaemon : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private PulseDaemon(Process process, string dir)
    {
        _process = process;
        _dir = dir;
    }

    public string Server => "unix:" + Path.Combine(_dir, "native");

    public string MicPipe => Path.Combine(_dir, "mic.pipe");

    public static string? Binary { get; } = new[] { "/usr/bin/pulseaudio", "/bin/pulseaudio" }.FirstOrDefault(File.Exists);

    public static async Task<PulseDaemon> StartAsync(Xunit.Abstractions.ITestOutputHelper log)
    {
        var dir = Directory.CreateTempSubdirectory("audiosdk-pulse-").FullName;
        var start = new ProcessStartInfo(Binary!)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var arg in new[]
        {
            "-n", "--daemonize=no", "--exit-idle-time=-1", "--system=false", "--disallow-exit", "--use-pid-file=false", "--log-target=stderr",
            "-L", $"module-native-protocol-unix socket={Path.Combine(dir, "native")} auth-anonymous=1",
            "-L", "module-null-sink sink_name=speaker format=s16le rate=24000 channels=1",
            "-L", $"module-pipe-source source_name=mic file={Path.Combine(dir, "mic.pipe")} format=s16le rate=16000 channels=1",
        })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PULSE_RUNTIME_PATH"] = dir;
        start.Environment["PULSE_STATE_PATH"] = dir;
        start.Environment["HOME"] = dir;
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, e) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var socket = Path.Combine(dir, "native");
        for (var i = 0; i < 100 && !File.Exists(socket); i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"pulseaudio exited with {process.ExitCode}");
            }

            await Task.Delay(100);
        }

        Assert.True(File.Exists(socket), "pulseaudio did not open its socket");
        log.WriteLine($"pulseaudio {process.Id} on {socket}");
        return new PulseDaemon(process, dir);
    }

    /// <summary>
    /// Writes PCM16 (16 kHz mono) into the pipe source at the pace of a microphone, 20 ms every 20 ms (the pipe source
    /// itself reads as fast as it is fed), then a second of silence so the last of it is read through; then the source is idle.
    /// </summary>
    public Task FeedAsync(byte[] pcm16) => Task.Run(() =>
    {
        using var pipe = new FileStream(MicPipe, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
        var pace = Stopwatch.StartNew();
        for (var offset = 0; offset < pcm16.Length; offset += 640)
        {
            var due = TimeSpan.FromMilliseconds(offset / 640 * 20);
            if (due > pace.Elapsed)
            {
                Thread.Sleep(due - pace.Elapsed);
            }

            pipe.Write(pcm16, offset, Math.Min(640, pcm16.Length - offset));
        }

        pipe.Write(new byte[16000 * 2]);
    });

    /// <summary>How many of a kind of object the daemon lists (<c>pactl list short sink-inputs</c>, <c>source-outputs</c>).</summary>
    public async Task<int> CountAsync(string what)
    {
        var start = new ProcessStartInfo(Path.Combine(Path.GetDirectoryName(Binary!)!, "pactl"), ["--server", Server, "list", "short", what])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(process.ExitCode == 0, $"pactl list short {what} failed: {await process.StandardError.ReadToEndAsync()}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A fact that needs the pulseaudio daemon: skipped, with the reason, where it is not installed (CI installs it).</summary>
public sealed class PulseAudioFactAttribute : FactAttribute
{
    public PulseAudioFactAttribute()
    {
        if (PulseDaemon.Binary is null || !OperatingSystem.IsLinux())
        {
            Skip = "pulseaudio is not installed (apt-get install pulseaudio); the device tests need a real daemon. CI installs it.";
        }
    }
}
