using System.Buffers.Binary;
using System.Text.Json;
using AudioSdk.Testing;

namespace AudioSdk.Cli.Tests;

/// <summary>The smaller defects found by using the tool as a careless or hostile user would.</summary>
public sealed class HostileUseTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Dictate_ServerUnreachable_ExitsThree_AsDocumented()
    {
        _cli.WriteWav("a.wav", 1);

        var result = await _cli.RunAsync("dictate", "a.wav", "--base-url", $"http://127.0.0.1:{ClosedPort()}/v1", "--json");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("cannot connect to the server", result.Error);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(3, json.RootElement.GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task Dictate_WavOver2GB_StartsStreaming_WithoutReadingTheWholeFile()
    {
        // A sparse 2.5 GB WAV: the header says 16 kHz mono; the rest is a hole of silence the disk never stores.
        var path = _cli.Path("huge.wav");
        const long dataBytes = 2_500_000_000;
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            file.Write(WavHeader(16000, dataBytes));
            file.SetLength(44 + dataBytes);
        }

        await using var server = await AudioTestServer.StartAsync();
        using var stop = new CancellationTokenSource();
        var run = CliHarness.RunAsync(_cli.Directory, _cli.Environment, ["dictate", "huge.wav", "--paced", "--base-url", server.Endpoint.ToString()], cancellationToken: stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!run.IsCompleted && server.RealtimeSessions.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await Task.Delay(1000);
        await stop.CancelAsync();
        var result = await run;

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Single(server.RealtimeSessions);
        Assert.DoesNotContain("audio:", result.Error);
    }

    [Fact]
    public async Task Speak_UnderAFileSizeLimit_RemovesItsTemporaryFile_AndExitsOne()
    {
        File.WriteAllText(_cli.Path("long.txt"), string.Concat(Enumerable.Repeat("This sentence is spoken many times over. ", 300)));

        using var run = CliProcess.Start(_cli.Directory, ["speak", "long.txt", "-o", "out.wav", "--offline"], fileSizeLimitKb: 200);
        var code = await run.ExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(code == 1, $"exit {code}\n{run}");
        Assert.Contains("Cannot write", run.Error);
        Assert.Empty(Directory.EnumerateFiles(_cli.Directory, "*out.wav*"));
    }

    [Fact]
    public async Task Speak_ToStandardOutputRedirectedToAFile_UnderAFileSizeLimit_ExitsOne()
    {
        File.WriteAllText(_cli.Path("long.txt"), string.Concat(Enumerable.Repeat("This sentence is spoken many times over. ", 300)));
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new System.Diagnostics.ProcessStartInfo("bash") { WorkingDirectory = _cli.Directory, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("ulimit -f 200; exec \"$0\" \"$1\" speak long.txt -o - --offline > out.wav");
        info.ArgumentList.Add(dotnet);
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "audio.dll"));
        info.Environment["DOTNET_EnableWriteXorExecute"] = "0";

        using var process = System.Diagnostics.Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(process.ExitCode == 1, $"exit {process.ExitCode}\n{await error}");
        Assert.Contains("Cannot write standard output", await error);
    }

    [Fact]
    public async Task Speak_RemovesTheTemporaryFileAKilledRunLeft()
    {
        var leftover = _cli.Path(".out.wav.0123456789abcdef0123456789abcdef.tmp");
        File.WriteAllBytes(leftover, new byte[4096]);

        var result = await _cli.RunAsync("speak", "Hello there.", "-o", "out.wav", "--offline");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(File.Exists(leftover));
        Assert.True(File.Exists(_cli.Path("out.wav")));
    }

    [Fact]
    public async Task SpeakStandardInput_RandomBytes_AreRefusedBeforeAnyRequest_UnlessAllowed()
    {
        await using var server = await AudioTestServer.StartAsync();
        var noise = new byte[60_000];
        new Random(27).NextBytes(noise);

        var refused = await CliHarness.RunAsync(_cli.Directory, _cli.Environment, ["speak", "-", "-o", "out.wav", "--base-url", server.Endpoint.ToString()], stdin: noise);

        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("Standard input is not text: invalid UTF-8 at byte", refused.Error);
        Assert.Empty(server.Requests);

        var controls = await CliHarness.RunAsync(_cli.Directory, _cli.Environment, ["speak", "-", "-o", "out.wav", "--base-url", server.Endpoint.ToString()], stdin: "Hello\u0007 there\0"u8.ToArray());
        Assert.True(controls.ExitCode == 2, controls.ToString());
        Assert.Contains("control character U+0007", controls.Error);

        var allowed = await CliHarness.RunAsync(_cli.Directory, _cli.Environment, ["speak", "-", "-o", "out.wav", "--allow-binary", "--base-url", server.Endpoint.ToString()], stdin: noise[..3000]);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.NotEmpty(server.Requests);
    }

    [Fact]
    public async Task TypoedKeyOption_DoesNotEchoTheKey()
    {
        var spaced = await _cli.RunAsync("models", "--apikey", "sk-typo-secret-4711", "--offline");
        var joined = await _cli.RunAsync("models", "--apikey=sk-typo-secret-4711", "--offline", "--json");

        Assert.Equal(2, spaced.ExitCode);
        Assert.Equal(2, joined.ExitCode);
        Assert.DoesNotContain("sk-typo-secret-4711", spaced.All + joined.All);
        Assert.Contains("'--apikey'", spaced.Error);
        Assert.Contains("(the value after --apikey, not shown)", spaced.Error);
    }

    [Fact]
    public async Task PasswordInTheUrl_IsNotPrinted_InTheViaLine()
    {
        await using var server = await AudioTestServer.StartAsync();
        _cli.WriteWav("a.wav", 1);
        var url = new UriBuilder(server.Endpoint) { UserName = "user", Password = "pw-s3cret-0815" }.Uri.ToString();

        var result = await _cli.RunAsync("transcribe", "a.wav", "--base-url", url);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("via http://***@127.0.0.1:", result.Error);
        Assert.DoesNotContain("pw-s3cret-0815", result.All);
    }

    [Theory]
    [InlineData(2, "transcribe", "--no-such-option")]
    [InlineData(2, "transcribe", "a.wav", "--parallel", "0")]
    [InlineData(3, "models", "--base-url", "http://127.0.0.1:{port}/v1", "--retries", "0")]
    [InlineData(3, "usage", "--base-url", "http://127.0.0.1:{port}/v1", "--retries", "0")]
    public async Task Json_EveryOutcomeIsJsonOnStandardOutput(int exitCode, params string[] args)
    {
        _cli.WriteWav("a.wav", 1);
        var port = ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var result = await _cli.RunAsync([.. args.Select(a => a.Replace("{port}", port, StringComparison.Ordinal)), "--json"]);

        Assert.True(result.ExitCode == exitCode, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(exitCode, json.RootElement.GetProperty("exitCode").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task BadTemperature_IsOneUsageError_BeforeTheBatch()
    {
        await using var server = await AudioTestServer.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            _cli.WriteWav($"in/{i}.wav", 1);
        }

        var result = await _cli.RunAsync("transcribe", "in", "--temperature", "5", "--base-url", server.Endpoint.ToString());

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("audio: --temperature takes 0 to 1.", result.Error.Trim());
        Assert.Empty(server.Requests);
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static byte[] WavHeader(int rate, long dataBytes)
    {
        var header = new byte[44];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)(36 + dataBytes));
        "WAVEfmt "u8.CopyTo(header.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(22), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(28), (uint)(rate * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(32), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(34), 16);
        "data"u8.CopyTo(header.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), (uint)dataBytes);
        return header;
    }
}
