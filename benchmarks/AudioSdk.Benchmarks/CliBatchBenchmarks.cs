using AudioSdk.Audio;
using AudioSdk.Cli;
using AudioSdk.Testing;
using AudioSdk.Transcriptions;
using BenchmarkDotNet.Attributes;

namespace AudioSdk.Benchmarks;

/// <summary>
/// The audio tool's batch (file expansion, header probes, skip checks, atomic writes, the final report) against a
/// hand-written <c>Parallel.ForEachAsync</c> over <see cref="AudioClient"/> that does only the requests and plain
/// writes: 500 half-second WAVs, 8 at a time, against the in-process server, each run into a fresh output folder.
/// Both build their client per run. The tool should reach at least 0.9x the loop's throughput.
/// </summary>
[MemoryDiagnoser]
public class CliBatchBenchmarks
{
    private const int Files = 500;
    private const int Parallel = 8;
    private AudioTestServer _server = null!;
    private string _root = null!;
    private string[] _inputs = null!;
    private int _run;

    [GlobalSetup]
    public async Task Setup()
    {
        _server = await AudioTestServer.StartAsync();
        _root = Path.Combine(Path.GetTempPath(), "audio-cli-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(_root, "in"));
        var samples = new short[8000];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 16000.0));
        }

        var wav = WavFile.Write(samples, 16000);
        _inputs = [.. Enumerable.Range(0, Files).Select(i => Path.Combine(_root, "in", $"rec{i:D3}.wav"))];
        foreach (var input in _inputs)
        {
            await File.WriteAllBytesAsync(input, wav);
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public async Task HandWrittenParallelForEachAsync()
    {
        var output = NextOutput();
        Directory.CreateDirectory(output);
        using var client = new AudioClient(new AudioClientOptions { Endpoint = _server.Endpoint });
        var options = new TranscriptionOptions { Model = "whisper-1", ResponseFormat = TranscriptionFormat.Text };
        await System.Threading.Tasks.Parallel.ForEachAsync(_inputs, new ParallelOptions { MaxDegreeOfParallelism = Parallel }, async (input, ct) =>
        {
            var text = await client.TranscribeToTextAsync(AudioInput.FromFile(input), options, ct);
            await File.WriteAllTextAsync(Path.Combine(output, Path.GetFileNameWithoutExtension(input) + ".txt"), text.Text, ct);
        });
    }

    [Benchmark]
    public async Task AudioToolBatch()
    {
        var console = new CliConsole
        {
            Out = TextWriter.Null,
            Error = TextWriter.Null,
            OpenStandardInput = () => Stream.Null,
            OpenStandardOutput = () => Stream.Null,
            GetEnvironmentVariable = _ => null,
            WorkingDirectory = _root,
        };
        var code = await CliApp.RunAsync(["transcribe", "in", "--parallel", "8", "--quiet", "--out", NextOutput(), "--base-url", _server.Endpoint.ToString()], console, CancellationToken.None);
        if (code != 0)
        {
            throw new InvalidOperationException($"The tool exited with {code}.");
        }
    }

    private string NextOutput() => Path.Combine(_root, "out", Interlocked.Increment(ref _run).ToString(System.Globalization.CultureInfo.InvariantCulture));
}
