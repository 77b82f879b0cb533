using System.Net.WebSockets;
using AudioSdk.Realtime;
using AudioSdk.Testing;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// The contract between waits and the event stream, over real sockets: when a wait completes, its event and every
/// event before it can be read at once (the next read completes synchronously). Many utterances in a row, so that a
/// wait finishing before its event is written shows up.
/// </summary>
public sealed class WaitsAndStreamTests : RealtimeTestBase
{
    private const int Rounds = 60;

    [Theory]
    [InlineData(RealtimeDialect.OpenAITranscription, RealtimeServerFlavor.OpenAI)]
    [InlineData(RealtimeDialect.OpenAITranscription, RealtimeServerFlavor.Tinfoil)]
    [InlineData(RealtimeDialect.VllmNative, RealtimeServerFlavor.OpenAI)]
    public async Task AfterWaitForTranscript_ItsEventIsAlreadyReadable(RealtimeDialect dialect, RealtimeServerFlavor flavor)
    {
        Server.Options.RealtimeFlavor = flavor;
        await using var rt = await Client.StartRealtimeSessionAsync(dialect == RealtimeDialect.VllmNative ? Native() : OpenAI());
        await using var reader = rt.ReadEventsAsync().GetAsyncEnumerator();
        var late = 0;
        for (var i = 0; i < Rounds; i++)
        {
            await rt.SendAudioAsync(Tone(0.12, 300 + (i * 10)));
            var committed = await rt.CommitAsync();
            var transcript = await rt.WaitForTranscriptAsync(committed.ItemId);
            late += await DrainUntilAsync(reader, e => ReferenceEquals(e, transcript));
        }

        Assert.Equal(0, late);
    }

    [Fact]
    public async Task AfterWaitForResponse_ItsResponseDoneIsAlreadyReadable()
    {
        var options = new RealtimeSessionOptions
        {
            Dialect = RealtimeDialect.OpenAIConversation,
            Model = "gpt-realtime",
            InputSampleRate = 24000,
            ResponseTimeout = TimeSpan.FromSeconds(20),
            Conversation = new RealtimeConversationOptions { Instructions = "Be brief.", OutputModality = RealtimeOutputModality.Text },
        };
        await using var rt = await Client.StartRealtimeSessionAsync(options);
        await using var reader = rt.ReadEventsAsync().GetAsyncEnumerator();
        var late = 0;
        for (var i = 0; i < Rounds / 3; i++)
        {
            await rt.SendAudioAsync(Tone(0.12, 400, 24000));
            await rt.CommitAsync();
            var created = await rt.CreateResponseAsync();
            late += await DrainUntilAsync(reader, e => e is ResponseCreated c && c.ResponseId == created.ResponseId);
            var done = await rt.WaitForResponseAsync(created.ResponseId!);
            late += await DrainUntilAsync(reader, e => ReferenceEquals(e, done));
        }

        Assert.Equal(0, late);
    }

    [Fact]
    public async Task AServerCloseWithoutAReason_NamesItsStatusOnce()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(OpenAI());
        Server.EnqueueRealtime(new RealtimeScriptedAction { OnClientEvent = "input_audio_buffer.append", CloseStatus = (WebSocketCloseStatus)1012 });
        await rt.SendAudioAsync(Tone(0.2));
        var closed = (Closed)(await ReadUntilAsync(rt, e => e is Closed))[^1];
        var ex = await Assert.ThrowsAsync<RealtimeException>(() => rt.SendAudioAsync(Tone(0.1)));

        Assert.Equal((WebSocketCloseStatus)1012, closed.CloseStatus);
        Assert.Contains("(1012)", ex.Message);
        Assert.DoesNotContain("1012 1012", ex.Message);
        Assert.DoesNotContain("1012 1012", closed.ToString());
    }

    [Fact]
    public async Task WhileAMessageIsHandled_ItsWaitsStayOpen_UntilItsEventIsPublished()
    {
        // The mechanism the socket tests rely on, without their timing: completions wait for the flush that follows the write.
        var transcripts = new AudioSdk.Realtime.Drivers.KeyedWaiters<TranscriptCompleted>(static t => t.ItemId);
        var replies = new AudioSdk.Realtime.Drivers.PendingReplies();
        var waiting = transcripts.WaitAsync("item_000");
        var reply = replies.Register("evt_1", typeof(Committed));
        var completed = new TranscriptCompleted("item_000", "Hi.", null, [], "conversation.item.input_audio_transcription.completed", default);

        AudioSdk.Realtime.Drivers.Settlement.Begin();
        try
        {
            transcripts.Complete(completed);
            Assert.True(replies.TryComplete(new Committed("item_000", null, default)));
            Assert.False(waiting.IsCompleted);
            Assert.False(reply.IsCompleted);
            Assert.False(transcripts.WaitAsync("item_000").IsCompleted, "a wait begun in between does not see it early either");
        }
        finally
        {
            AudioSdk.Realtime.Drivers.Settlement.Flush();
        }

        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.Same(completed, await waiting);
        Assert.Equal("item_000", ((Committed)await reply).ItemId);
        Assert.True(transcripts.WaitAsync("item_000").IsCompletedSuccessfully);
    }

    /// <summary>Reads up to the event <paramref name="last"/> picks; returns how many reads had to wait (0 when all were ready).</summary>
    private static async Task<int> DrainUntilAsync(IAsyncEnumerator<RealtimeEvent> reader, Func<RealtimeEvent, bool> last)
    {
        var waited = 0;
        while (true)
        {
            var next = reader.MoveNextAsync();
            if (!next.IsCompleted)
            {
                waited++;
            }

            Assert.True(await next.AsTask().WaitAsync(TimeSpan.FromSeconds(20)), "the stream ended early");
            if (last(reader.Current))
            {
                return waited;
            }
        }
    }
}
