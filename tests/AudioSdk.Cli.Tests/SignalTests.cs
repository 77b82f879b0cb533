using System.Text.Json;
using AudioSdk.Testing;

namespace AudioSdk.Cli.Tests;

/// <summary>SIGINT and SIGTERM sent to the tool as a process, the way a terminal or a scheduler sends them.</summary>
public sealed class SignalTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Sigterm_MidBatch_AbandonsFilesInFlightCleanly_Exits143_AndARerunFinishes()
    {
        await using var server = await AudioTestServer.StartAsync();
        server.Enqueue(new ScriptedResponse());
        server.Enqueue(new ScriptedResponse { Delay = TimeSpan.FromSeconds(30) });

        for (var i = 0; i < 5; i++)
        {
            _cli.WriteWav($"in/r{i}.wav", 1);
        }

        string[] args = ["transcribe", "in", "--parallel", "1", "--json", "--base-url", server.Endpoint.ToString()];
        using (var run = CliProcess.Start(_cli.Directory, args))
        {
            // r0 is answered at once, r1 then waits 30 s for its answer.
            await WaitUntilAsync(() => File.Exists(_cli.Path("in", "r0.txt")));
            await Task.Delay(1000);
            run.Signal("TERM");
            var code = await run.ExitAsync(TimeSpan.FromSeconds(20));

            Assert.True(code == 143, $"exit {code}\n{run}");
            using var json = JsonDocument.Parse(run.Out);
            Assert.Equal(1, json.RootElement.GetProperty("done").GetInt32());
            Assert.Equal(4, json.RootElement.GetProperty("notFinished").GetInt32());
            Assert.Equal(143, json.RootElement.GetProperty("exitCode").GetInt32());
        }

        Assert.Empty(Directory.EnumerateFiles(_cli.Path("in"), "*.tmp", SearchOption.AllDirectories));
        var rerun = await CliHarness.RunAsync(_cli.Directory, _cli.Environment, args);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Equal(5, Directory.EnumerateFiles(_cli.Path("in"), "*.txt").Count());
    }

    [Fact]
    public async Task Sigint_StopsABlockedRead_OnTheSecondSignal_WithExitCode130()
    {
        // speak - waits on standard input, which nothing writes or closes: the first SIGINT cannot end a blocked
        // read of a pipe, the second ends the process at once.
        using var run = CliProcess.Start(_cli.Directory, ["speak", "-", "-o", "out.wav", "--offline"], interruptible: true);
        await Task.Delay(1500);
        run.Signal("INT");
        if (!run.Process.WaitForExit(2000))
        {
            run.Signal("INT");
        }

        var code = await run.ExitAsync(TimeSpan.FromSeconds(15));

        Assert.True(code == 130, $"exit {code}\n{run}");
        Assert.False(File.Exists(_cli.Path("out.wav")));
    }

    [Fact]
    public async Task Sigint_AfterAWalkThroughLinkLoops_EndsTheRunWithExitCode130()
    {
        _cli.WriteWav("d/a/x.wav", 1);
        Directory.CreateDirectory(_cli.Path("d", "b"));
        foreach (var (folder, name) in new[] { ("a", "up"), ("b", "up"), ("a", "up2"), ("b", "up2") })
        {
            File.CreateSymbolicLink(_cli.Path("d", folder, name), "..");
        }

        using var run = CliProcess.Start(_cli.Directory, ["transcribe", "d", "--offline", "--offline-latency", "60s"],
            interruptible: true);
        await WaitUntilAsync(() => run.Error.Contains("1 file(s)", StringComparison.Ordinal) || run.Process.HasExited);
        run.Signal("INT");
        var code = await run.ExitAsync(TimeSpan.FromSeconds(15));

        Assert.True(code == 130, $"exit {code}\n{run}");
        Assert.Contains("1 files: 0 done, 0 skipped, 0 failed, 1 not finished", run.Out);
    }

    [Fact]
    public async Task TwoSigtermsAtOnce_CountAsOne_SoJsonStillPrintsTheSummary()
    {
        // GNU timeout and process-group kills deliver the same SIGTERM twice within microseconds.
        await using var server = await AudioTestServer.StartAsync();
        server.Enqueue(new ScriptedResponse { Delay = TimeSpan.FromSeconds(30) });
        _cli.WriteWav("a.wav", 1);

        using var run = CliProcess.Start(_cli.Directory, ["transcribe", "a.wav", "--json", "--base-url", server.Endpoint.ToString()]);
        await WaitUntilAsync(() => server.Requests.Count > 0 || run.Process.HasExited);
        run.Signal("TERM");
        run.Signal("TERM");
        var code = await run.ExitAsync(TimeSpan.FromSeconds(20));

        Assert.True(code == 143, $"exit {code}\n{run}");
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(143, json.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("notFinished").GetInt32());
    }

    [GnuTimeoutFact]
    public async Task UnderGnuTimeout_JsonPrintsTheSummary()
    {
        await using var server = await AudioTestServer.StartAsync();
        server.Enqueue(new ScriptedResponse { Delay = TimeSpan.FromSeconds(60) });
        _cli.WriteWav("a.wav", 1);
        var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/timeout") { WorkingDirectory = _cli.Directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "5", Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet", Path.Combine(AppContext.BaseDirectory, "audio.dll"), "transcribe", "a.wav", "--json", "--base-url", server.Endpoint.ToString() })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(40));

        // timeout exits 124 when it had to stop the command.
        Assert.True(process.ExitCode == 124, $"exit {process.ExitCode}\n{await output}\n{await error}");
        using var json = JsonDocument.Parse(await output);
        Assert.Equal(143, json.RootElement.GetProperty("exitCode").GetInt32());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 60 s");
            await Task.Delay(20);
        }
    }
}

/// <summary>A fact that needs GNU <c>timeout</c> (coreutils): skipped, with the reason, where it is not installed.</summary>
public sealed class GnuTimeoutFactAttribute : FactAttribute
{
    public GnuTimeoutFactAttribute()
    {
        if (!File.Exists("/usr/bin/timeout"))
        {
            Skip = "GNU timeout (coreutils) is not installed at /usr/bin/timeout";
        }
    }
}
