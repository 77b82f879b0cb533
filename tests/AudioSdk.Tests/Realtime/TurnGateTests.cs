using System.Runtime.InteropServices;
using AudioSdk.Audio;
using AudioSdk.Realtime.Uplink;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// The client-side turn gate without a socket: its plan (start, send, end) at the detector's boundaries, the prefix
/// padding taken from the audio it kept, and the audio it hands out, byte for byte against the input.
/// </summary>
public sealed class TurnGateTests
{
    private const int Rate = 16000;
    private static readonly TurnDetectorSettings Defaults = TurnDetectorSettings.Default;
    private static readonly long Padding = (long)(Defaults.PrefixPadding.TotalSeconds * Rate);

    [Fact]
    public void ATurn_IsPlannedAtTheDetectorsBoundaries_WithThePaddingBeforeTheOnset()
    {
        var audio = Speech(4, new TestAudio.Burst(1.0, 0.8, 300));
        const int Block = 1234;
        var boundaries = DetectorBoundaries(audio, Block);
        Assert.Equal([TurnBoundaryKind.Started, TurnBoundaryKind.Ended], boundaries.Select(b => b.Boundary.Kind));
        var (startBlock, started) = boundaries[0];
        var (endBlock, ended) = boundaries[1];

        var gate = new TurnGate(Rate, Defaults);
        Assert.Equal(Rate, gate.WireRate);
        var blocks = Blocks(audio, Block).ToList();
        long position = 0;
        long endBlockEnd = 0;
        for (var k = 0; k < blocks.Count; k++)
        {
            gate.Process(blocks[k]);
            position += blocks[k].Length / 2;
            endBlockEnd = k == endBlock ? position : endBlockEnd;
            List<GateStep> expected = k switch
            {
                _ when k == startBlock => [new(GateStepKind.Start, started.SpeechSample - Padding, started.SpeechSample), new(GateStepKind.Send, position, 0)],
                _ when k > startBlock && k < endBlock => [new(GateStepKind.Send, position, 0)],
                _ when k == endBlock => [new(GateStepKind.Send, ended.DecidedAtSample, 0), new(GateStepKind.End, ended.SpeechSample, ended.DecidedAtSample)],
                _ => [],
            };
            Assert.Equal(expected, gate.Steps);
            Assert.Equal(k >= startBlock && k < endBlock, gate.InTurn);
            Carry(gate, []);
        }

        // The decision falls inside its block, so the send stops short of the block's end.
        Assert.True(ended.DecidedAtSample < endBlockEnd, "the decision is not at the block's end");
    }

    [Fact]
    public void TheAudioHandedOut_IsTheInput_FromThePaddingToTheDecision()
    {
        var audio = Speech(4, new TestAudio.Burst(1.0, 0.8, 300));
        var boundaries = DetectorBoundaries(audio, 1234);
        var from = boundaries[0].Boundary.SpeechSample - Padding;
        var until = boundaries[1].Boundary.DecidedAtSample;

        var sent = new List<byte>();
        var gate = new TurnGate(Rate, Defaults);
        foreach (var block in Blocks(audio, 1234))
        {
            gate.Process(block);
            Carry(gate, sent);
        }

        Assert.Equal(audio[(int)(from * 2)..(int)(until * 2)], sent.ToArray());
    }

    [Fact]
    public void AnOnsetCloserToTheStartThanThePadding_StartsAtTheFirstSample()
    {
        var audio = Speech(2.5, new TestAudio.Burst(0.15, 0.6, 300));
        var boundaries = DetectorBoundaries(audio, 3200);
        Assert.True(boundaries[0].Boundary.SpeechSample < Padding, "the onset is inside the padding");

        var sent = new List<byte>();
        var gate = new TurnGate(Rate, Defaults);
        var starts = new List<GateStep>();
        foreach (var block in Blocks(audio, 3200))
        {
            gate.Process(block);
            starts.AddRange(gate.Steps.Where(s => s.Kind == GateStepKind.Start));
            Carry(gate, sent);
        }

        Assert.Equal(0, Assert.Single(starts).From);
        Assert.Equal(audio[..(int)(boundaries[1].Boundary.DecidedAtSample * 2)], sent.ToArray());
    }

    [Fact]
    public void EndTurn_KeepingAudio_ReturnsWhatTheOpenTurnHasNotSent_AndTheDetectorStartsAfresh()
    {
        var audio = Speech(3, new TestAudio.Burst(0.5, 2.5, 300));
        var gate = new TurnGate(Rate, Defaults);
        var blocks = Blocks(audio, 3200).ToList();
        var k = 0;
        while (!gate.InTurn)
        {
            gate.Process(blocks[k++]);
            Carry(gate, []);
        }

        // One more block planned but not carried out: the manual commit sends it.
        gate.Process(blocks[k]);
        Assert.Equal(blocks[k], gate.EndTurn(keepAudio: true).ToArray());
        Assert.False(gate.InTurn);
        Assert.True(gate.EndTurn(keepAudio: true).IsEmpty);

        // The speech goes on: the detector, reset, opens a new turn after MinSpeech.
        var reopened = false;
        for (k++; k < blocks.Count && !reopened; k++)
        {
            gate.Process(blocks[k]);
            reopened = gate.Steps.Any(s => s.Kind == GateStepKind.Start);
            Carry(gate, []);
        }

        Assert.True(reopened, "a new turn opened after the manual commit");
        gate.Process(blocks[k]);
        Assert.True(gate.EndTurn(keepAudio: false).IsEmpty);
        Assert.False(gate.InTurn);
    }

    [Fact]
    public void Take_IsClampedToThePendingAudio()
    {
        var gate = new TurnGate(Rate, Defaults);
        var block = Speech(0.1);
        gate.Process(block);

        Assert.True(gate.Take(-5).IsEmpty);
        Assert.Equal(block[..200], gate.Take(100).ToArray());
        Assert.True(gate.Take(100).IsEmpty);
        Assert.Equal(block[200..], gate.Take(long.MaxValue / 4).ToArray());
        Assert.True(gate.Take(long.MaxValue / 4).IsEmpty);
    }

    [Fact]
    public void OutsideATurn_OnlyTheRecentHistoryIsKept()
    {
        // Keep = padding + MinSpeech + 100 ms: the audio before it is gone once the next block comes.
        var keep = Padding + (long)((Defaults.MinSpeech.TotalSeconds + 0.1) * Rate);
        var gate = new TurnGate(Rate, Defaults);
        var silence = Speech(1.1);
        gate.Process(silence.AsSpan(0, 32000));
        gate.Process(silence.AsSpan(32000, 3200));

        Assert.Equal(silence[(int)((16000 - keep) * 2)..], gate.Take(long.MaxValue / 4).ToArray());
    }

    /// <summary>What <see cref="AudioUplink"/> does with a plan: skip to a start, take what a send says.</summary>
    internal static void Carry(TurnGate gate, List<byte> sent)
    {
        foreach (var step in gate.Steps)
        {
            if (step.Kind == GateStepKind.Start)
            {
                gate.SkipTo(step.From);
            }
            else if (step.Kind == GateStepKind.Send)
            {
                sent.AddRange(gate.Take(step.From).ToArray());
            }
        }
    }

    internal static byte[] Speech(double seconds, params TestAudio.Burst[] bursts)
    {
        var floats = TestAudio.Bursts(Rate, seconds, bursts);
        var samples = new short[floats.Length];
        Pcm16.FromFloat(floats, samples);
        return MemoryMarshal.AsBytes(samples.AsSpan()).ToArray();
    }

    internal static IEnumerable<byte[]> Blocks(byte[] audio, int size)
    {
        for (var offset = 0; offset < audio.Length; offset += size)
        {
            yield return audio[offset..Math.Min(audio.Length, offset + size)];
        }
    }

    private static List<(int Block, TurnBoundary Boundary)> DetectorBoundaries(byte[] audio, int size)
    {
        var detector = new TurnDetector(Rate, Defaults);
        var found = new List<(int, TurnBoundary)>();
        var boundaries = new List<TurnBoundary>();
        var k = 0;
        foreach (var block in Blocks(audio, size))
        {
            boundaries.Clear();
            detector.Process(block, boundaries);
            found.AddRange(boundaries.Select(b => (k, b)));
            k++;
        }

        return found;
    }
}
