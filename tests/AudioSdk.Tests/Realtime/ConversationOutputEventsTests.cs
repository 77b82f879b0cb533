using AudioSdk.Realtime;

namespace AudioSdk.Tests.Realtime;

/// <summary>A response's output items and content parts arrive typed over a real socket, in the guide's order, none as <see cref="UnknownMessage"/>.</summary>
public sealed class ConversationOutputEventsTests : RealtimeTestBase
{
    [Fact]
    public async Task OutputItemsAndContentParts_AreTyped_AndBracketTheirDeltas()
    {
        await using var rt = await Client.StartRealtimeSessionAsync(new RealtimeSessionOptions
        {
            Dialect = RealtimeDialect.OpenAIConversation,
            Model = "gpt-realtime",
            InputSampleRate = 24000,
            ResponseTimeout = TimeSpan.FromSeconds(20),
            Conversation = new RealtimeConversationOptions { Instructions = "Be brief.", Voice = "marin" },
        });
        await rt.SendAudioAsync(Tone(0.5, 440, 24000));
        await rt.CommitAsync();
        var created = await rt.CreateResponseAsync();
        var events = await ReadUntilAsync(rt, e => e is ResponseDone);

        Assert.DoesNotContain(events, e => e is UnknownMessage);
        var itemAdded = Assert.Single(events.OfType<OutputItemAdded>());
        var itemDone = Assert.Single(events.OfType<OutputItemDone>());
        var partAdded = Assert.Single(events.OfType<ContentPartAdded>());
        var partDone = Assert.Single(events.OfType<ContentPartDone>());
        Assert.Equal(created.ResponseId, itemAdded.ResponseId);
        Assert.Equal(("assistant", "in_progress"), (itemAdded.Item.Role, itemAdded.Item.Status));
        Assert.Equal(itemAdded.Item.Id, itemDone.Item.Id);
        Assert.Equal("completed", itemDone.Item.Status);
        Assert.Equal(itemAdded.Item.Id, partAdded.ItemId);
        Assert.Equal(string.Empty, partAdded.Text);
        var transcript = events.OfType<OutputAudioTranscriptDone>().Single().Transcript;
        Assert.Equal(transcript, partDone.Text);
        Assert.Equal("audio", partDone.PartType);

        int At<T>() => events.FindIndex(e => e is T);
        Assert.True(At<OutputItemAdded>() < At<ContentPartAdded>(), "the item comes before its part");
        Assert.True(At<ContentPartAdded>() < At<OutputAudioDelta>(), "the part comes before its audio");
        Assert.True(At<OutputAudioTranscriptDone>() < At<ContentPartDone>(), "the part is done after its transcript");
        Assert.True(At<ContentPartDone>() < At<OutputItemDone>(), "the item is done after its part");
        Assert.True(At<OutputItemDone>() < At<ResponseDone>(), "the response is done last");
    }
}
