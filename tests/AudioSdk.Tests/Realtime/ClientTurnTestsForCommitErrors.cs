using AudioSdk.Realtime;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>A client-side turn whose commit the server refuses: logged with the server's message, its audio stays in the server's buffer, and the session goes on.</summary>
public sealed class ClientTurnTestsForCommitErrors : RealtimeTestBase
{
    [Fact]
    public async Task ARefusedCommit_IsLoggedWithTheServersMessage_AndTheNextCommitTakesItsAudioToo()
    {
        var logs = new CapturingLoggerFactory();
        using var client = CreateClient(o => o.LoggerFactory = logs);
        Server.EnqueueRealtime(new RealtimeScriptedAction
        {
            OnClientEvent = "input_audio_buffer.commit",
            Send = """{"type":"error","error":{"type":"invalid_request_error","code":"input_audio_buffer_commit_empty","message":"the script refuses this commit"}}""",
            SkipNormalHandling = true,
        });
        await using var rt = await client.StartRealtimeSessionAsync(OpenAI() with { TurnDetection = RealtimeTurnDetection.OnClient, ResponseTimeout = TimeSpan.FromSeconds(5) });

        var audio = TurnGateTests.Speech(4.0, new TestAudio.Burst(0.5, 0.6, 440), new TestAudio.Burst(2.2, 0.6, 660));
        for (var offset = 0; offset < audio.Length; offset += 3200)
        {
            await rt.SendAudioAsync(audio.AsMemory(offset, Math.Min(3200, audio.Length - offset)));
        }

        var events = await ReadUntilAsync(rt, e => e is TranscriptCompleted, TimeSpan.FromSeconds(20));
        await Poll.UntilAsync(() => logs.Entries.Any(e => e.EventId.Id == 35));
        var entry = logs.Entries.First(e => e.EventId.Id == 35);
        Assert.Contains("the script refuses this commit", entry.Message, StringComparison.Ordinal);

        // The refused commit left the first turn's audio in the server's buffer: the next commit takes both turns
        // (padding, tone and trailing silence each), and the session goes on.
        Assert.IsType<TranscriptCompleted>(events[^1]);
        var heard = Assert.Single(Server.RealtimeSessions.SelectMany(s => s.Utterances));
        Assert.InRange(heard.Duration.TotalSeconds, 2 * (0.3 + 0.6 + 0.55) - 0.06, 2 * (0.3 + 0.6 + 0.55) + 0.06);
    }
}
