using AudioSdk.Audio;
using AudioSdk.Realtime.Uplink;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// The uplink's stages put together, delivering to a recording sink: chunk sizes, the odd byte, resampling and its tail,
/// G.711 on either side, WAV input, pacing, and the client-side turn's audio and events in the order they go out.
/// </summary>
public sealed class AudioUplinkTests
{
    private static readonly TimeSpan Tenth = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task Pcm_IsCutIntoChunksOfTheDuration_AndTheOddByteWaitsForTheNextCall()
    {
        var log = new List<string>();
        var sink = new RecordingSink(log);
        var uplink = new AudioUplink(16000, 16000, Tenth, pacing: false, TimeProvider.System, sink);
        var pcm = Enumerable.Range(0, 7003).Select(i => (byte)(i * 7)).ToArray();

        await uplink.SendPcmAsync(pcm.AsMemory(0, 7001), default);
        Assert.Equal([3200, 3200, 600], sink.Chunks.Select(c => c.Length));
        Assert.Equal(pcm[..7000], sink.Chunks.SelectMany(c => c).ToArray());

        await uplink.SendPcmAsync(pcm.AsMemory(7001, 1), default);
        Assert.Equal(pcm[7000..7002], sink.Chunks[^1]);

        await uplink.SendPcmAsync(pcm.AsMemory(7002, 1), default);
        Assert.Equal(4, sink.Chunks.Count);
        Assert.True(await uplink.EndUtteranceAsync(default));
        Assert.False(await uplink.EndUtteranceAsync(default));
        Assert.Equal(4, sink.Chunks.Count);

        await uplink.SendPcmAsync(new byte[] { 1, 2 }, default);
        Assert.Equal(new byte[] { 1, 2 }, sink.Chunks[^1]);
    }

    [Fact]
    public async Task TheChunkDuration_IsWholeSamplesAtTheWireRate()
    {
        var sink = new RecordingSink([]);
        var uplink = new AudioUplink(8000, 8000, TimeSpan.FromMilliseconds(25), pacing: false, TimeProvider.System, sink);

        await uplink.SendConvertedAsync(new byte[1000], default);

        Assert.Equal([400, 400, 200], sink.Chunks.Select(c => c.Length));
        await uplink.SendConvertedAsync(ReadOnlyMemory<byte>.Empty, default);
        await uplink.SendPcmAsync(ReadOnlyMemory<byte>.Empty, default);
        Assert.Equal(3, sink.Chunks.Count);
    }

    [Fact]
    public async Task Discard_DropsTheOddByte_AndTheResamplersState()
    {
        var sink = new RecordingSink([]);
        var uplink = new AudioUplink(16000, 24000, Tenth, pacing: false, TimeProvider.System, sink);
        var tone = TestAudio.TonePcm16(0.05);

        await uplink.SendPcmAsync(tone.AsMemory(0, 101), default);
        Assert.True(uplink.Discard());
        Assert.False(uplink.Discard());
        sink.Chunks.Clear();

        await uplink.SendPcmAsync(tone, default);
        await uplink.EndUtteranceAsync(default);

        var fresh = new RecordingSink([]);
        var reference = new AudioUplink(16000, 24000, Tenth, pacing: false, TimeProvider.System, fresh);
        await reference.SendPcmAsync(tone, default);
        await reference.EndUtteranceAsync(default);
        Assert.Equal(fresh.Chunks.SelectMany(c => c).ToArray(), sink.Chunks.SelectMany(c => c).ToArray());
    }

    [Fact]
    public async Task BetweenRates_TheResampledAudioGoesOut_AndItsTailAtTheEndOfTheUtterance()
    {
        var sink = new RecordingSink([]);
        var uplink = new AudioUplink(16000, 8000, Tenth, pacing: false, TimeProvider.System, sink);
        var tone = TestAudio.TonePcm16(0.3);

        await uplink.SendPcmAsync(tone, default);
        var body = sink.Chunks.SelectMany(c => c).ToArray();
        await uplink.EndUtteranceAsync(default);
        var all = sink.Chunks.SelectMany(c => c).ToArray();

        var stage = new ResampleStage(16000, 8000);
        var expectedBody = stage.Process(tone.AsMemory()).ToArray();
        var expectedTail = stage.Flush().ToArray();
        Assert.Equal(expectedBody, body);
        Assert.NotEmpty(expectedTail);
        Assert.Equal(expectedBody.Concat(expectedTail).ToArray(), all);
    }

    [Fact]
    public async Task G711Input_IsDecoded_OneCodeASample_WithNoCarry()
    {
        var sink = new RecordingSink([]);
        var uplink = new AudioUplink(8000, 8000, Tenth, pacing: false, TimeProvider.System, sink, inputLaw: G711Law.ALaw);
        var small = new byte[] { 0x55, 0xD5, 0x2A };
        var large = Enumerable.Range(0, 700).Select(i => (byte)i).ToArray();

        await uplink.SendPcmAsync(small, default);
        await uplink.SendPcmAsync(large, default);
        await uplink.SendPcmAsync(ReadOnlyMemory<byte>.Empty, default);
        await uplink.SendPcmAsync(small, default);

        Assert.Equal(
            G711.DecodeToPcmBytes(small, G711Law.ALaw).Concat(G711.DecodeToPcmBytes(large, G711Law.ALaw)).Concat(G711.DecodeToPcmBytes(small, G711Law.ALaw)).ToArray(),
            sink.Chunks.SelectMany(c => c).ToArray());
        Assert.Equal([6, 1400, 6], sink.Chunks.Select(c => c.Length));
        Assert.False(await uplink.EndUtteranceAsync(default));
    }

    [Fact]
    public async Task G711OnTheWire_EachChunkIsEncodedLast()
    {
        var sink = new RecordingSink([]);
        var uplink = new AudioUplink(8000, 8000, Tenth, pacing: false, TimeProvider.System, sink, wireLaw: G711Law.MuLaw);
        var pcm = TestAudio.TonePcm16(0.15, sampleRate: 8000);

        await uplink.SendPcmAsync(pcm, default);

        Assert.Equal([800, 400], sink.Chunks.Select(c => c.Length));
        Assert.Equal(G711.EncodePcmBytes(pcm, G711Law.MuLaw), sink.Chunks.SelectMany(c => c).ToArray());
    }

    [Fact]
    public async Task AWav_IsDecodedDownmixedAndResampled_ToTheWire()
    {
        var stereo = new float[2 * 2400];
        for (var f = 0; f < 2400; f++)
        {
            stereo[2 * f] = (float)(0.5 * Math.Sin(f / 5.0));
            stereo[(2 * f) + 1] = (float)(0.25 * Math.Sin(f / 9.0));
        }

        var wav = TestAudio.Wav(stereo, 8000, channels: 2);
        var sink = new RecordingSink([]);
        var uplink = new AudioUplink(16000, 16000, Tenth, pacing: false, TimeProvider.System, sink);

        await uplink.SendWavAsync(new MemoryStream(wav), default);

        // The reference: the file's own frames, averaged, resampled 8 kHz to 16 kHz, the tail flushed.
        var decoded = WavFile.Read(wav);
        var mono = Pcm16.Downmix(decoded.Samples, 2);
        var stage = new ResampleStage(8000, 16000);
        var expected = new List<byte>();
        for (var offset = 0; offset < mono.Length; offset += 800)
        {
            expected.AddRange(stage.Process(mono.AsSpan(offset, Math.Min(800, mono.Length - offset))).ToArray());
        }

        expected.AddRange(stage.Flush().ToArray());
        Assert.Equal(expected, sink.Chunks.SelectMany(c => c));
        Assert.All(sink.Chunks, c => Assert.True(c.Length <= 3200));
    }

    [Fact]
    public async Task Pacing_HoldsEachChunkUntilTheOnesBeforeHaveHadTheirTime()
    {
        var clock = new ManualTimeProvider();
        var sink = new RecordingSink([]);
        var uplink = new AudioUplink(16000, 16000, Tenth, pacing: true, clock, sink);

        var sending = uplink.SendConvertedAsync(new byte[3200 * 3], default).AsTask();
        Assert.Single(sink.Chunks);
        Assert.Equal([Tenth], clock.PendingDelays);
        clock.Advance(Tenth);
        await clock.WaitForPendingDelayAsync(Tenth + TimeSpan.FromTicks(1));
        Assert.Equal(2, sink.Chunks.Count);
        Assert.Equal([Tenth], clock.PendingDelays);
        clock.Advance(Tenth);
        await sending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, sink.Chunks.Count);
    }

    [Fact]
    public async Task ClientTurns_TheTurnsAudioGoesOutFirst_ThenItsStart_AndItsEndAfterTheLastOfIt()
    {
        var audio = TurnGateTests.Speech(4, new TestAudio.Burst(1.0, 0.8, 300));
        var log = new List<string>();
        var sink = new RecordingSink(log);
        var turns = new RecordingTurns(log);
        var uplink = new AudioUplink(16000, 16000, Tenth, pacing: false, TimeProvider.System, sink, new TurnGate(16000, TurnDetectorSettings.Default), turns);

        foreach (var block in TurnGateTests.Blocks(audio, 3200))
        {
            await uplink.SendPcmAsync(block, default);
        }

        var started = Assert.Single(turns.Started);
        var ended = Assert.Single(turns.Ended);
        var padding = (long)(TurnDetectorSettings.Default.PrefixPadding.TotalSeconds * 16000);
        Assert.Equal(started.Speech - padding, started.From);
        Assert.Equal(audio[(int)(started.From * 2)..(int)(ended.Commit * 2)], sink.Chunks.SelectMany(c => c).ToArray());
        Assert.InRange(ended.SpeechEnd, started.Speech, ended.Commit);

        // Audio before the start, the start, the rest of the turn's audio, the end, and nothing after.
        var first = log.IndexOf("start");
        Assert.True(first > 0 && log[first - 1].StartsWith("audio", StringComparison.Ordinal), string.Join(",", log));
        Assert.Equal("end", log[^1]);
        Assert.Single(log, e => e == "start");
    }

    [Fact]
    public async Task ClientTurns_AManualEnd_SendsTheOpenTurnsRest_AndADiscardDropsIt()
    {
        var audio = TurnGateTests.Speech(3, new TestAudio.Burst(0.5, 2.5, 300));
        var sink = new RecordingSink([]);
        var turns = new RecordingTurns([]);
        var gate = new TurnGate(16000, TurnDetectorSettings.Default);
        var uplink = new AudioUplink(16000, 24000, Tenth, pacing: false, TimeProvider.System, sink, gate, turns);

        var blocks = TurnGateTests.Blocks(audio, 3200).ToList();
        var k = 0;
        while (turns.Started.Count == 0)
        {
            await uplink.SendPcmAsync(blocks[k++], default);
        }

        var before = sink.Chunks.Sum(c => c.Length);
        Assert.True(gate.InTurn);
        await uplink.EndUtteranceAsync(default);
        Assert.False(gate.InTurn);
        Assert.True(sink.Chunks.Sum(c => c.Length) > before, "the resampler's tail and the turn's rest went out");
        Assert.Empty(turns.Ended);

        while (!gate.InTurn)
        {
            await uplink.SendPcmAsync(blocks[k++], default);
        }

        var sent = sink.Chunks.Count;
        Assert.False(uplink.Discard());
        Assert.False(gate.InTurn);
        await uplink.EndUtteranceAsync(default);
        Assert.Equal(sent, sink.Chunks.Count);
    }

    private sealed class RecordingSink(List<string> log) : IUplinkSink
    {
        public List<byte[]> Chunks { get; } = [];

        public ValueTask SendAudioAsync(ReadOnlyMemory<byte> wirePcm16, CancellationToken cancellationToken)
        {
            Chunks.Add(wirePcm16.ToArray());
            log.Add("audio " + wirePcm16.Length);
            return default;
        }
    }

    private sealed class RecordingTurns(List<string> log) : ITurnListener
    {
        public List<(long From, long Speech)> Started { get; } = [];

        public List<(long SpeechEnd, long Commit)> Ended { get; } = [];

        public ValueTask TurnStartedAsync(long fromSample, long speechSample, CancellationToken cancellationToken)
        {
            Started.Add((fromSample, speechSample));
            log.Add("start");
            return default;
        }

        public ValueTask TurnEndedAsync(long speechEndSample, long commitSample, CancellationToken cancellationToken)
        {
            Ended.Add((speechEndSample, commitSample));
            log.Add("end");
            return default;
        }
    }
}
