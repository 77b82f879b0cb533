using System.Text.Json;
using AudioSdk.Testing;

namespace AudioSdk.Cli.Tests;

/// <summary>Defects found by probing the hardened tool from outside: key echo after a typo, links hiding files, retries on retries, full disks, long names, same-size edits.</summary>
public sealed class OutsideProbeTests : IDisposable
{
    private const string Secret = "sk-SUPERSECRET-4242";

    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("transcribe", "--apikey", Secret)]
    [InlineData("transcribe", "--api_key", Secret)]
    [InlineData("transcribe", "--key", Secret)]
    [InlineData("transcribe", "-k", Secret)]
    [InlineData("translate", "--apikey", Secret)]
    [InlineData("transcribe", "--apikey=" + Secret, null)]
    [InlineData("transcribe", "--bogus=" + Secret, null)]
    public async Task MistypedOption_IsAUsageError_ThatNeverShowsTheValue_AndSendsNothing(string command, string option, string? value)
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("a.wav", 1);
        string[] args = value is null
            ? [command, "a.wav", "--base-url", server.Endpoint.ToString(), option, "--json"]
            : [command, "a.wav", "--base-url", server.Endpoint.ToString(), option, value, "--json"];

        var result = await _cli.RunAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.DoesNotContain("SUPERSECRET", result.All);
        Assert.Contains("Unrecognized option '" + option.Split('=')[0] + "'", result.Error);
        Assert.Contains("not shown", result.Error);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(2, json.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task AFileNamedLikeAnOption_IsReachable_AsDotSlash_OrAfterDoubleDash()
    {
        _cli.WriteWav("-x.wav", 1);

        var bare = await _cli.RunAsync("transcribe", "-x.wav", "--offline");
        var dotted = await _cli.RunAsync("transcribe", "./-x.wav", "--offline", "--force");
        var dashed = await _cli.RunAsync("transcribe", "--offline", "--force", "--", "-x.wav");

        Assert.True(bare.ExitCode == 2, bare.ToString());
        Assert.True(dotted.ExitCode == 0, dotted.ToString());
        Assert.True(dashed.ExitCode == 0, dashed.ToString());
        Assert.Contains("Sound of 440 Hz", File.ReadAllText(_cli.Path("-x.txt")));
    }

    [Fact]
    public async Task ALinkToAFile_DoesNotHideTheRealFile_WhichIsSentOnceUnderItsOwnName()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("fl/b_real.wav", 2);
        File.CreateSymbolicLink(_cli.Path("fl", "a_link.wav"), "b_real.wav");

        var result = await _cli.RunAsync("transcribe", "fl", "--retries", "0", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(server.Requests);
        Assert.Contains("Sound of 440 Hz", File.ReadAllText(_cli.Path("fl", "b_real.txt")));
        Assert.False(File.Exists(_cli.Path("fl", "a_link.txt")));
        Assert.Contains("the same file as " + Path.Combine("fl", "b_real.wav"), result.Out);
    }

    [Fact]
    public async Task ALinkGivenAlone_IsUploadedWithTheFilesSize()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("real/b.wav", 2);
        File.CreateSymbolicLink(_cli.Path("a_link.wav"), _cli.Path("real", "b.wav"));

        var result = await _cli.RunAsync("transcribe", "a_link.wav", "--retries", "0", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(server.Requests);
        Assert.Contains("Sound of 440 Hz", File.ReadAllText(_cli.Path("a_link.txt")));
    }

    [Theory]
    [InlineData("0", 1)]
    [InlineData("2", 3)]
    public async Task Retries_BoundTheRequestsPerFile_AndA500IsNotASlowDown(string retries, int requests)
    {
        await using var server = await AudioTestServer.StartAsync();
        for (var i = 0; i < 40; i++)
        {
            server.Enqueue(ScriptedResponse.Error(500, "server_error", "Broken."));
        }

        _cli.WriteWav("a.wav", 1);

        var result = await _cli.RunAsync("transcribe", "a.wav", "--retries", retries, "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(requests, server.Requests.Count);
        Assert.DoesNotContain("slow down", result.All);
    }

    [Fact]
    public async Task AFileSizeLimit_StopsTheBatch_AfterTheFirstFailedWrite_WithExitFour()
    {
        await using var server = await AudioTestServer.StartAsync();
        for (var i = 0; i < 12; i++)
        {
            _cli.WriteWav($"in/f{i:00}.wav", 0.5);
        }

        using var run = CliProcess.Start(_cli.Directory, ["transcribe", "in", "-o", "out", "--parallel", "1", "--base-url", server.Endpoint.ToString()], fileSizeLimitKb: 0);
        var code = await run.ExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(code == 4, $"exit {code}\n{run}");
        Assert.Single(server.Requests);
        Assert.Contains("outputs cannot be written: the file size limit is reached (EFBIG); no new file was sent", run.Out + run.Error);
    }

    [Fact]
    public async Task ANameNear255Bytes_IsWritten_AndOneWhoseRecordWouldNotFit_FailsBeforeSending()
    {
        await using var server = await AudioTestServer.StartAsync();
        var fits = new string('L', 240) + ".wav";
        var tooLong = new string('M', 247) + ".wav";
        _cli.WriteWav(fits, 1);
        _cli.WriteWav(tooLong, 1);

        var result = await _cli.RunAsync("transcribe", fits, tooLong, "--retries", "0", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Single(server.Requests);
        Assert.Contains("Sound of 440 Hz", File.ReadAllText(_cli.Path(new string('L', 240) + ".txt")));
        Assert.Contains("is too long", result.Out);
        Assert.Empty(Directory.EnumerateFiles(_cli.Directory, "*.tmp"));
    }

    [Fact]
    public async Task AnEditThatKeepsSizeAndTime_IsRedone()
    {
        await using var server = await AudioTestServer.StartAsync();
        var path = _cli.WriteWav("a.wav", 1);
        var first = await _cli.RunAsync("transcribe", "a.wav", "--base-url", server.Endpoint.ToString());
        Assert.True(first.ExitCode == 0, first.ToString());

        var time = File.GetLastWriteTimeUtc(path);
        var bytes = File.ReadAllBytes(path);
        bytes[100] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        File.SetLastWriteTimeUtc(path, time);

        var rerun = await _cli.RunAsync("transcribe", "a.wav", "--base-url", server.Endpoint.ToString());

        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task AHandEmptiedOutput_IsRedone()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("a.wav", 1);
        var first = await _cli.RunAsync("transcribe", "a.wav", "--base-url", server.Endpoint.ToString());
        Assert.True(first.ExitCode == 0, first.ToString());

        File.WriteAllBytes(_cli.Path("a.txt"), []);
        var rerun = await _cli.RunAsync("transcribe", "a.wav", "--base-url", server.Endpoint.ToString());
        var again = await _cli.RunAsync("transcribe", "a.wav", "--base-url", server.Endpoint.ToString());

        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Equal(2, server.Requests.Count);
        Assert.Contains("Sound of 440 Hz", File.ReadAllText(_cli.Path("a.txt")));
        Assert.Contains("already done", again.Out);
    }

    [Theory]
    [InlineData("--version", "version")]
    [InlineData("--help", "help")]
    public async Task VersionAndHelp_UnderJson_AreJson(string option, string member)
    {
        var result = await _cli.RunAsync("--json", option);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty(member).GetString()));
        Assert.Equal(0, json.RootElement.GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task AHugeAnswerToATranscript_FailsAtOnce_WithoutRetrying()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var requests = 0;
        using var stop = new CancellationTokenSource();
        var serve = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref requests);
                var stream = client.GetStream();
                var buffer = new byte[65536];
                var seen = new System.Text.StringBuilder();
                while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(buffer, stop.Token);
                    if (n == 0)
                    {
                        break;
                    }

                    seen.Append(System.Text.Encoding.Latin1.GetString(buffer, 0, n));
                }

                var head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3000000000\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head + new string('a', 4096)), stop.Token);
                await Task.Delay(3000, stop.Token);
            }
        });
        _cli.WriteWav("a.wav", 1);

        var result = await _cli.RunAsync("transcribe", "a.wav", "--retries", "3", "--base-url", $"http://127.0.0.1:{port}/v1");
        await stop.CancelAsync();

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("too large for a transcript", result.Out);
        Assert.Equal(1, Volatile.Read(ref requests));
        Assert.False(File.Exists(_cli.Path("a.txt")));
    }

    [Fact]
    public async Task AServerThatNeverAnswers_FailsTheFileAfterTimeout()
    {
        await using var server = await AudioTestServer.StartAsync();
        server.Enqueue(new ScriptedResponse { Delay = TimeSpan.FromSeconds(80) });
        _cli.WriteWav("a.wav", 1);

        var result = await _cli.RunAsync("transcribe", "a.wav", "--timeout", "2s", "--retries", "0", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("[1/1] failed", result.Out);
        Assert.False(File.Exists(_cli.Path("a.txt")));
    }

    [TmpfsFact]
    public async Task AFullDisk_StopsTheBatch_AfterTheFirstFailedWrite_WithExitFour()
    {
        await using var server = await AudioTestServer.StartAsync();
        for (var i = 0; i < 40; i++)
        {
            _cli.WriteWav($"in/f{i:00}.wav", 0.5);
        }

        var mount = _cli.Path("out");
        Directory.CreateDirectory(mount);
        Assert.True(TmpfsFactAttribute.Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount) == 0, "mount failed");
        try
        {
            var result = await _cli.RunAsync("transcribe", "in", "-o", "out", "--parallel", "1", "--base-url", server.Endpoint.ToString());

            Assert.True(result.ExitCode == 4, result.ToString());
            Assert.Contains("the output disk is full (ENOSPC); no new file was sent", result.All);
            Assert.InRange(server.Requests.Count, 1, 20);
        }
        finally
        {
            TmpfsFactAttribute.Run("umount", mount);
        }
    }
}

/// <summary>A fact that mounts a small tmpfs: skipped, with the reason, unless running as root where mount works.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        var probe = Path.Combine(Path.GetTempPath(), "audio-tmpfs-probe-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(probe);
        try
        {
            if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe) != 0)
            {
                Skip = "needs root and a working 'mount -t tmpfs' to fill a disk";
                return;
            }

            Run("umount", probe);
        }
        finally
        {
            Directory.Delete(probe);
        }
    }

    public static int Run(string program, params string[] args)
    {
        try
        {
            var info = new System.Diagnostics.ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            using var process = System.Diagnostics.Process.Start(info)!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            return process.WaitForExit(10_000) ? process.ExitCode : -1;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
