using AudioSdk.Realtime.Uplink;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>A manual clear in the middle of a turn: the audio planned but not sent is dropped, never sent with the next turn.</summary>
public sealed class TurnGateTestsForEndTurn
{
    private const int Rate = 16000;

    [Fact]
    public void EndTurn_WithoutTheAudio_DropsWhatWasNotSent_AndTheNextTurnStartsWhereItEnded()
    {
        var audio = TurnGateTests.Speech(3, new TestAudio.Burst(0.5, 2.5, 300));
        var gate = new TurnGate(Rate, TurnDetectorSettings.Default);
        var blocks = TurnGateTests.Blocks(audio, 3200).ToList();
        var k = 0;
        long position = 0;
        while (!gate.InTurn)
        {
            gate.Process(blocks[k]);
            position += blocks[k++].Length / 2;
            TurnGateTests.Carry(gate, []);
        }

        // One more block planned, not carried out, then cleared.
        gate.Process(blocks[k]);
        position += blocks[k++].Length / 2;
        Assert.True(gate.EndTurn(keepAudio: false).IsEmpty);

        var sent = new List<byte>();
        var starts = new List<GateStep>();
        for (; k < blocks.Count && starts.Count == 0; k++)
        {
            gate.Process(blocks[k]);
            starts.AddRange(gate.Steps.Where(s => s.Kind == GateStepKind.Start));
            TurnGateTests.Carry(gate, sent);
        }

        Assert.Equal(position, Assert.Single(starts).From);
        Assert.Equal(audio[(int)(position * 2)..(int)((position * 2) + sent.Count)], sent.ToArray());
    }
}
