using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Testing.Conversation;

/// <summary>The conversation dialect's dispatch on the wire: routing, session configuration and its errors, message limits.</summary>
public sealed class ConversationDispatchTests : ConversationServerTest
{
    [Fact]
    public async Task Routing_ConversationModelsOpenTheConversationDialect_OthersKeepTheirs()
    {
        await using (var conversation = await WireAsync("model=gpt-4o-mini-realtime-preview"))
        {
            var created = await conversation.NextAsync();
            Assert.Equal(("session.created", "realtime", "realtime.session"), (Type(created), (string?)created["session"]!["type"], (string?)created["session"]!["object"]));
            Assert.Equal("gpt-4o-mini-realtime-preview", (string?)created["session"]!["model"]);
        }

        await using (var transcription = await WireAsync("intent=transcription"))
        {
            Assert.Equal("transcription", (string?)(await transcription.NextAsync())["session"]!["type"]);
        }

        await using (var native = await WireAsync("model=voxtral-mini-4b-realtime"))
        {
            Assert.Equal("session.created", Type(await native.NextAsync()));
        }

        Assert.Equal(["conversation", "openai", "native"], Server.RealtimeSessions.Select(s => s.Dialect));
    }

    [Fact]
    public async Task SessionCreated_HasTheLiveDefaults_AndAnUpdateIsEchoedMerged()
    {
        await using var wire = await WireAsync();
        var session = (await wire.NextAsync())["session"]!;
        Assert.Equal("[\"audio\"]", session["output_modalities"]!.ToJsonString());
        Assert.Equal("alloy", (string?)session["audio"]!["output"]!["voice"]);
        Assert.Equal("""{"type":"audio/pcm","rate":24000}""", session["audio"]!["input"]!["format"]!.ToJsonString());
        Assert.Equal("server_vad", (string?)session["audio"]!["input"]!["turn_detection"]!["type"]);
        Assert.Null(session["audio"]!["input"]!["transcription"]);
        Assert.Equal(("auto", "inf"), ((string?)session["tool_choice"], (string?)session["max_output_tokens"]));
        Assert.True((long)session["expires_at"]! > DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        await wire.SendAsync(new JsonObject
        {
            ["type"] = "session.update",
            ["event_id"] = "cfg_1",
            ["session"] = new JsonObject
            {
                ["type"] = "realtime",
                ["instructions"] = "Be brief.",
                ["output_modalities"] = new JsonArray("text"),
                ["audio"] = new JsonObject
                {
                    ["input"] = new JsonObject { ["turn_detection"] = new JsonObject { ["type"] = "semantic_vad", ["eagerness"] = "high", ["create_response"] = false }, ["transcription"] = new JsonObject { ["model"] = "gpt-4o-mini-transcribe" } },
                    ["output"] = new JsonObject { ["voice"] = "marin" },
                },
                ["tools"] = new JsonArray(Tool()),
                ["tool_choice"] = "required",
                ["max_output_tokens"] = 300,
            },
        });
        var updated = await wire.NextAsync();
        Assert.Equal("session.updated", Type(updated));
        var merged = updated["session"]!;
        Assert.Equal(("Be brief.", "[\"text\"]", "marin"), ((string?)merged["instructions"], merged["output_modalities"]!.ToJsonString(), (string?)merged["audio"]!["output"]!["voice"]));
        Assert.Equal("""{"type":"semantic_vad","eagerness":"high","create_response":false,"interrupt_response":true}""", merged["audio"]!["input"]!["turn_detection"]!.ToJsonString());
        Assert.Equal("gpt-4o-mini-transcribe", (string?)merged["audio"]!["input"]!["transcription"]!["model"]);
        Assert.Equal("""{"type":"audio/pcm","rate":24000}""", merged["audio"]!["output"]!["format"]!.ToJsonString());
        Assert.Equal(("get_weather", "required", 300), ((string?)merged["tools"]![0]!["name"], (string?)merged["tool_choice"], (int)merged["max_output_tokens"]!));
        Assert.NotEqual("cfg_1", (string?)updated["event_id"]);
    }

    [Theory]
    [InlineData("""{"instructions":"no type"}""", "missing_required_parameter", "session.type")]
    [InlineData("""{"type":"realtime","audio":{"input":{"format":{"type":"audio/pcm","rate":16000}}}}""", "invalid_value", "session.audio.input.format.rate")]
    [InlineData("""{"type":"realtime","audio":{"output":{"format":{"type":"audio/pcm","rate":44100}}}}""", "invalid_value", "session.audio.output.format.rate")]
    [InlineData("""{"type":"realtime","temperature":0.8}""", "unknown_parameter", "session.temperature")]
    [InlineData("""{"type":"realtime","output_modalities":["audio","text"]}""", "invalid_value", "session.output_modalities")]
    [InlineData("""{"type":"realtime","audio":{"input":{"turn_detection":{"type":"push_to_talk"}}}}""", "invalid_value", "session.audio.input.turn_detection.type")]
    [InlineData("""{"type":"realtime","max_output_tokens":0}""", "integer_below_min_value", "session.max_output_tokens")]
    [InlineData("""{"type":"realtime","max_output_tokens":5000}""", "integer_above_max_value", "session.max_output_tokens")]
    [InlineData("""{"type":"realtime","tool_choice":"sometimes"}""", "invalid_value", "session.tool_choice")]
    public async Task AnInvalidConfig_IsAnErrorWithTheClientsEventId_AndTheSessionGoesOn(string session, string code, string param)
    {
        await using var wire = await WireAsync();
        await wire.NextAsync();
        await wire.SendAsync($$"""{"type":"session.update","event_id":"bad_1","session":{{session}}}""");
        var error = await wire.NextAsync();

        Assert.Equal("error", Type(error));
        Assert.Equal(("invalid_request_error", code, param, "bad_1"), ((string?)error["error"]!["type"], (string?)error["error"]!["code"], (string?)error["error"]!["param"], (string?)error["error"]!["event_id"]));
        Assert.False(string.IsNullOrEmpty((string?)error["error"]!["message"]));
        await wire.SendAsync("""{"type":"session.update","session":{"type":"realtime","instructions":"ok"}}""");
        Assert.Equal("session.updated", Type(await wire.NextAsync()));
    }

    [Fact]
    public async Task TheVoiceIsFixedOnceAudioWasSent_AndAHugeMessageClosesTheSocket()
    {
        await using var wire = await WireAsync();
        await wire.NextAsync();
        await wire.SendAsync("""{"type":"session.update","session":{"type":"realtime","audio":{"output":{"voice":"cedar"}}}}""");
        Assert.Equal("session.updated", Type(await wire.NextAsync()));
        await wire.SendAsync("""{"type":"response.create"}""");
        await wire.UntilAsync("response.done");
        await wire.SendAsync("""{"type":"session.update","event_id":"v","session":{"type":"realtime","audio":{"output":{"voice":"marin"}}}}""");
        Assert.Equal(("cannot_update_voice", "v"), ErrorOf(await wire.NextAsync()));
        await wire.SendAsync("""{"type":"session.update","session":{"type":"realtime","audio":{"output":{"voice":"cedar"}}}}""");
        Assert.Equal("session.updated", Type(await wire.NextAsync()));

        var chunk = new byte[1024 * 1024];
        for (var i = 0; i < 40 && wire.Socket.State == WebSocketState.Open; i++)
        {
            try
            {
                await wire.Socket.SendAsync(chunk, WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
            }
            catch (WebSocketException)
            {
                break;
            }
        }

        var closed = await wire.NextOrCloseAsync();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, closed);
    }
}
