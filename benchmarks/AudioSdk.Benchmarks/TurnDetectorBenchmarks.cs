using AudioSdk.Realtime.Uplink;
using BenchmarkDotNet.Attributes;

namespace AudioSdk.Benchmarks;

/// <summary>
/// The cost of client-side turn detection: 10 s of 24 kHz mono speech-like audio (bursts and pauses) in 100 ms blocks,
/// through the uplink without turn detection and with it (the detector and the gate), and the detector alone. Divide
/// the mean by 10 s for the share of one core.
/// </summary>
[MemoryDiagnoser]
public class TurnDetectorBenchmarks
{
    private const int Rate = 24000;
    private readonly List<TurnBoundary> _found = [];
    private byte[] _audio = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _audio = new byte[Rate * 10 * 2];
        for (var i = 0; i < Rate * 10; i++)
        {
            var t = (double)i / Rate;
            var speaking = (t % 3.0) < 1.8;
            var value = (speaking ? 0.3 * Math.Sin(2 * Math.PI * 220 * t) * (0.6 + (0.4 * Math.Sin(2 * Math.PI * 4 * t))) : 0) + ((random.NextDouble() - 0.5) * 0.01);
            var s = (short)(value * 32767);
            _audio[2 * i] = (byte)s;
            _audio[(2 * i) + 1] = (byte)(s >> 8);
        }
    }

    /// <summary>The detector alone over 10 s.</summary>
    [Benchmark]
    public int Detector_10s()
    {
        var detector = new TurnDetector(Rate, TurnDetectorSettings.Default);
        _found.Clear();
        for (var offset = 0; offset < _audio.Length; offset += Rate / 5)
        {
            detector.Process(_audio.AsSpan(offset, Rate / 5), _found);
        }

        return _found.Count;
    }

    /// <summary>
    /// The detector with echo gating: the same 10 s also written, block by block, to a playback reference as if the
    /// speaker were playing it (every frame gated: the worst case), on a clock that advances with the audio.
    /// </summary>
    [Benchmark]
    public int Detector_10s_WithEchoGate()
    {
        var clock = new BlockClock();
        var reference = new AudioSdk.Audio.PlaybackReference(clock);
        var detector = new TurnDetector(Rate, TurnDetectorSettings.Default with { EchoReference = reference });
        _found.Clear();
        for (var offset = 0; offset < _audio.Length; offset += Rate / 5)
        {
            clock.Now = offset / 2;
            reference.Write(_audio.AsSpan(offset, Rate / 5), Rate);
            clock.Now = (offset + (Rate / 5)) / 2;
            detector.Process(_audio.AsSpan(offset, Rate / 5), _found);
        }

        return _found.Count;
    }

    private sealed class BlockClock : TimeProvider
    {
        public long Now { get; set; }

        public override long TimestampFrequency => Rate;

        public override long GetTimestamp() => Now;
    }

    /// <summary>The uplink as push-to-talk sessions use it: chunking and hand-off, no turn detection.</summary>
    [Benchmark(Baseline = true)]
    public async Task<long> Uplink_10s_WithoutTurnDetection()
    {
        var sink = new Discard();
        var uplink = new AudioUplink(Rate, Rate, TimeSpan.FromMilliseconds(100), false, TimeProvider.System, sink);
        for (var offset = 0; offset < _audio.Length; offset += Rate / 5)
        {
            await uplink.SendPcmAsync(_audio.AsMemory(offset, Rate / 5), CancellationToken.None);
        }

        return sink.Bytes;
    }

    /// <summary>The same uplink with client-side turns: the gate holds silence back and commits each turn.</summary>
    [Benchmark]
    public async Task<long> Uplink_10s_WithClientTurns()
    {
        var sink = new Discard();
        var uplink = new AudioUplink(Rate, Rate, TimeSpan.FromMilliseconds(100), false, TimeProvider.System, sink, new TurnGate(Rate, TurnDetectorSettings.Default), sink);
        for (var offset = 0; offset < _audio.Length; offset += Rate / 5)
        {
            await uplink.SendPcmAsync(_audio.AsMemory(offset, Rate / 5), CancellationToken.None);
        }

        return sink.Bytes + sink.Turns;
    }

    private sealed class Discard : IUplinkSink, ITurnListener
    {
        public long Bytes { get; private set; }

        public int Turns { get; private set; }

        public ValueTask SendAudioAsync(ReadOnlyMemory<byte> wirePcm16, CancellationToken cancellationToken)
        {
            Bytes += wirePcm16.Length;
            return default;
        }

        public ValueTask TurnStartedAsync(long fromSample, long speechSample, CancellationToken cancellationToken) => default;

        public ValueTask TurnEndedAsync(long speechEndSample, long commitSample, CancellationToken cancellationToken)
        {
            Turns++;
            return default;
        }
    }
}
