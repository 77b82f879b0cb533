using System.Reflection;
using System.Text;
using AudioSdk.Realtime;
using AudioSdk.Realtime.Protocol;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// The transcription deltas' fast path (a well-formed delta read field by field, its JSON kept as the bytes received)
/// against the general reader: which messages take it, the exact event it makes, and what makes it give up. Each test
/// uses its own codec instance, since the fast path remembers the last item id.
/// </summary>
public sealed class RealtimeCodecFastPathTests
{
    private const string OpenAIDelta = "conversation.item.input_audio_transcription.delta";

    private static readonly FieldInfo RawBytes = typeof(RealtimeEvent).GetField("_rawUtf8", BindingFlags.NonPublic | BindingFlags.Instance)
        ?? throw new InvalidOperationException("RealtimeEvent no longer keeps received bytes in _rawUtf8; update this test.");

    /// <summary>Whether the event kept the received bytes (the fast path) instead of a parsed element (the general reader).</summary>
    private static bool KeptBytes(RealtimeEvent? evt) => evt is not null && RawBytes.GetValue(evt) is byte[];

    private static RealtimeEvent? Parse(RealtimeProtocol codec, string json, out string? problem, string? item = null) =>
        codec.Parse(Encoding.UTF8.GetBytes(json), item, out problem);

    private static RealtimeEvent? Parse(RealtimeProtocol codec, string json, string? item = null) => Parse(codec, json, out _, item);

    private static string Delta(string fields) => "{\"type\":\"" + OpenAIDelta + "\"" + fields + "}";

    [Fact]
    public void AWellFormedDelta_TakesTheFastPath_WithEveryField()
    {
        var codec = new OpenAITranscriptionProtocol();
        var json = Delta(""","item_id":"item_7","content_index":3,"delta":" Hi","logprobs":null""");

        var delta = Assert.IsType<TranscriptDelta>(Parse(codec, json, out var problem));

        Assert.True(KeptBytes(delta));
        Assert.Null(problem);
        Assert.Equal(("item_7", " Hi", 3), (delta.ItemId, delta.Delta, delta.ContentIndex));
        Assert.Empty(delta.LogProbabilities);
        Assert.Equal(OpenAIDelta, delta.EventType);
        Assert.False(delta.IsSynthesized);
        Assert.Equal(3, delta.Raw.GetProperty("content_index").GetInt32());
        Assert.Equal(json, delta.Raw.GetRawText());
    }

    [Theory]
    [InlineData(""","delta":"x","event_id":"event_1" """, "x")]
    [InlineData(""","delta":"x","extra":{"a":[1,{"b":2}]},"n":1""", "x")]
    [InlineData(""","delta":null""", "")]
    [InlineData(""","delta":"x","item_id":null""", "x")]
    [InlineData(""","delta":"x","content_index":null""", "x")]
    [InlineData(""","delta":"x","logprobs":null""", "x")]
    public void UsualShapes_TakeTheFastPath(string fields, string text)
    {
        var delta = Assert.IsType<TranscriptDelta>(Parse(new OpenAITranscriptionProtocol(), Delta(fields)));
        Assert.True(KeptBytes(delta));
        Assert.Null(delta.ItemId);
        Assert.Null(delta.ContentIndex);
        Assert.Equal(text, delta.Delta);
    }

    [Fact]
    public void TheFieldsCanComeInAnyOrder()
    {
        var delta = Assert.IsType<TranscriptDelta>(Parse(new OpenAITranscriptionProtocol(),
            """{"delta":"y","content_index":0,"item_id":"i","type":"conversation.item.input_audio_transcription.delta"}"""));
        Assert.True(KeptBytes(delta));
        Assert.Equal(("i", "y", 0), (delta.ItemId, delta.Delta, delta.ContentIndex));
    }

    [Fact]
    public void ConsecutiveDeltasOfOneItem_ShareTheItemIdString()
    {
        var codec = new OpenAITranscriptionProtocol();
        var first = Assert.IsType<TranscriptDelta>(Parse(codec, Delta(""","item_id":"item_1","delta":"a" """)));
        var second = Assert.IsType<TranscriptDelta>(Parse(codec, Delta(""","item_id":"item_1","delta":"b" """)));
        var other = Assert.IsType<TranscriptDelta>(Parse(codec, Delta(""","item_id":"item_2","delta":"c" """)));
        var third = Assert.IsType<TranscriptDelta>(Parse(codec, Delta(""","item_id":"item_2","delta":"d" """)));

        Assert.Equal(("item_1", "item_1", "item_2"), (first.ItemId, second.ItemId, other.ItemId));
        Assert.Same(first.ItemId, second.ItemId);
        Assert.Same(other.ItemId, third.ItemId);
        Assert.True(KeptBytes(first) && KeptBytes(second) && KeptBytes(other) && KeptBytes(third));
    }

    [Fact]
    public void AnEmptyItemId_IsKeptAsEmpty_NotLost()
    {
        var delta = Assert.IsType<TranscriptDelta>(Parse(new OpenAITranscriptionProtocol(), Delta(""","item_id":"","delta":"a" """)));
        Assert.Equal("", delta.ItemId);
        Assert.True(KeptBytes(delta));
    }

    [Theory]
    [InlineData(""","item_id":5,"delta":"a" """, "5", "a", null)]
    [InlineData(""","item_id":"i","delta":42""", "i", "42", null)]
    [InlineData(""","item_id":"i","delta":"a","content_index":"x" """, "i", "a", "content_index")]
    [InlineData(""","item_id":"i","delta":"a","content_index":1.5""", "i", "a", "content_index")]
    [InlineData(""","item_id":"i","delta":"a","logprobs":"x" """, "i", "a", "logprobs")]
    public void UnusualFields_AreLeftToTheGeneralReader(string fields, string item, string text, string? problemField)
    {
        var delta = Assert.IsType<TranscriptDelta>(Parse(new OpenAITranscriptionProtocol(), Delta(fields), out var problem));

        Assert.False(KeptBytes(delta));
        Assert.Equal((item, text), (delta.ItemId, delta.Delta));
        Assert.Null(delta.ContentIndex);
        if (problemField is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.StartsWith($"field '{problemField}' left out", problem);
        }
    }

    [Fact]
    public void LogProbabilities_AreReadByTheGeneralReader()
    {
        var delta = Assert.IsType<TranscriptDelta>(Parse(new OpenAITranscriptionProtocol(),
            Delta(""","item_id":"i","delta":"a","logprobs":[{"token":"a","logprob":-0.5,"bytes":[97]}]""")));
        Assert.False(KeptBytes(delta));
        Assert.Equal(-0.5, Assert.Single(delta.LogProbabilities).LogProbability);
    }

    [Theory]
    [InlineData("""{"item_id":"i","delta":"a"}""")]
    [InlineData("""{"delta":"a"}""")]
    [InlineData("""{}""")]
    public void AMessageWithoutType_IsUnknown_NotADelta(string json)
    {
        var unknown = Assert.IsType<UnknownMessage>(Parse(new OpenAITranscriptionProtocol(), json, out var problem));
        Assert.Equal("(no type)", unknown.EventType);
        Assert.Equal("no string 'type'", problem);
        Assert.Equal(json, unknown.RawText);
    }

    [Theory]
    [InlineData("""{"type":"transcription.delta","item_id":"i","delta":"a"}""")]
    [InlineData("""{"type":5,"delta":"a"}""")]
    public void AnotherDialectsDelta_IsNotThisOnesFastPath(string json)
    {
        var evt = Parse(new OpenAITranscriptionProtocol(), json);
        Assert.IsType<UnknownMessage>(evt);
    }

    [Theory]
    [InlineData("[1,2]", "(no type)")]
    [InlineData("\"text\"", "(no type)")]
    [InlineData("""{"type":"conversation.item.input_audio_transcription.delta","delta":"a"} x""", "(not json)")]
    [InlineData("""{"type":"conversation.item.input_audio_transcription.delta","delta":"a""", "(not json)")]
    public void MalformedMessages_AreUnknown(string json, string type)
    {
        var unknown = Assert.IsType<UnknownMessage>(Parse(new OpenAITranscriptionProtocol(), json, out var problem));
        Assert.Equal(type, unknown.EventType);
        Assert.NotNull(problem);
    }

    [Fact]
    public void Native_ADelta_TakesTheFastPath_UnderTheSdkItemId()
    {
        var codec = new VllmNativeProtocol();
        var json = """{"type":"transcription.delta","delta":" Hello","item_id":"server_id","content_index":0,"logprobs":null}""";

        var delta = Assert.IsType<TranscriptDelta>(Parse(codec, json, out var problem, "item_004"));

        Assert.True(KeptBytes(delta));
        Assert.Null(problem);
        Assert.Equal(("item_004", " Hello"), (delta.ItemId, delta.Delta));
        Assert.Null(delta.ContentIndex);
        Assert.Equal("transcription.delta", delta.EventType);
        Assert.Equal(json, delta.Raw.GetRawText());
    }

    [Theory]
    [InlineData("""{"type":"transcription.delta","delta":""}""")]
    [InlineData("""{"type":"transcription.delta","delta":null}""")]
    [InlineData("""{"type":"transcription.delta"}""")]
    [InlineData("""{"type":"transcription.delta","delta":"","logprobs":[]}""")]
    public void Native_AnEmptyDelta_IsDropped(string json)
    {
        Assert.Null(Parse(new VllmNativeProtocol(), json, out var problem, "item_001"));
        Assert.Null(problem);
    }

    [Fact]
    public void Native_ADeltaWithLogprobs_IsReadByTheGeneralReader()
    {
        var delta = Assert.IsType<TranscriptDelta>(Parse(new VllmNativeProtocol(),
            """{"type":"transcription.delta","delta":"a","logprobs":[{"token":"a","logprob":-1.5,"bytes":[97]}]}""", "item_002"));
        Assert.False(KeptBytes(delta));
        Assert.Equal(("item_002", "a", "transcription.delta"), (delta.ItemId, delta.Delta, delta.EventType));
        Assert.Equal(-1.5, Assert.Single(delta.LogProbabilities).LogProbability);
        Assert.Null(delta.ContentIndex);
    }
}
