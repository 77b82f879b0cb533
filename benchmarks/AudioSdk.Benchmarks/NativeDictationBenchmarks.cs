using System.Diagnostics;
using AudioSdk.Audio;
using AudioSdk.Realtime;
using AudioSdk.Testing;
using BenchmarkDotNet.Attributes;

namespace AudioSdk.Benchmarks;

/// <summary>
/// Dictation in vLLM's native dialect against the test server answering each utterance 2 s late: 10 utterances of
/// 0.5 s sent at real-time pace, then every transcript awaited. MaxConcurrentUtterances = 1 is the old behaviour (each
/// utterance waits for the last transcript before its audio goes out); 4 is the default. The op time is the whole
/// dictation; the longest single send (audio + commit of one utterance) is printed per op as "longest send".
/// Each op takes seconds: run it as
/// <c>-- --filter '*NativeDictation*' --inProcess --strategy Monitoring --warmupCount 0 --iterationCount 3</c>.
/// </summary>
public class NativeDictationBenchmarks
{
    private const int Utterances = 10;
    private AudioTestServer _server = null!;
    private AudioClient _client = null!;
    private byte[] _utterance = [];

    [Params(1, 4)]
    public int MaxConcurrentUtterances { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _server = await AudioTestServer.StartAsync(new AudioTestServerOptions { RealtimeTranscriptDelay = TimeSpan.FromSeconds(2) });
        _client = new AudioClient(new AudioClientOptions { Endpoint = _server.Endpoint, ApiKey = "sk-bench", Retry = AudioClientRetryOptions.None });
        var samples = new short[8000];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 16000));
        }

        _utterance = Pcm16.ToBytes(samples);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Benchmark]
    public async Task<double> TenUtterances_ServerTwoSecondsLate()
    {
        await using var rt = await _client.StartRealtimeSessionAsync(new RealtimeSessionOptions
        {
            Dialect = RealtimeDialect.VllmNative,
            Model = "voxtral-mini-4b-realtime",
            RealTimePacing = true,
            MaxConcurrentUtterances = MaxConcurrentUtterances,
        });
        var committed = new List<Committed>(Utterances);
        var longest = TimeSpan.Zero;
        for (var i = 0; i < Utterances; i++)
        {
            var send = Stopwatch.StartNew();
            await rt.SendAudioAsync(_utterance);
            committed.Add(await rt.CommitAsync());
            longest = send.Elapsed > longest ? send.Elapsed : longest;
        }

        foreach (var c in committed)
        {
            await rt.WaitForTranscriptAsync(c.ItemId);
        }

        Console.WriteLine($"// longest send (MaxConcurrentUtterances={MaxConcurrentUtterances}): {longest.TotalMilliseconds:0} ms");
        return longest.TotalMilliseconds;
    }
}
