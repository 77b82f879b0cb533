using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Testing.Conversation;

/// <summary>
/// The base of the test server's conversation dialect tests, which drive it on the wire with a bare
/// <see cref="ClientWebSocket"/> (no SDK code): the expected event sequences, tones, and the socket helper.
/// </summary>
public abstract class ConversationServerTest : ServerTest
{
    protected const int Rate = 24000;

    protected static readonly string[] ResponseOpening = ["response.created", "rate_limits.updated", "response.output_item.added", "conversation.item.added", "response.content_part.added"];

    protected static readonly string[] AudioClosing = ["response.output_audio.done", "response.output_audio_transcript.done", "response.content_part.done", "response.output_item.done", "conversation.item.done", "response.done"];

    protected static (string? Code, string? EventId) ErrorOf(JsonNode evt)
    {
        Assert.Equal("error", Type(evt));
        return ((string?)evt["error"]!["code"], (string?)evt["error"]!["event_id"]);
    }

    protected static string Type(JsonNode? evt) => (string)evt!["type"]!;

    protected static JsonObject Tool() => new()
    {
        ["type"] = "function",
        ["name"] = "get_weather",
        ["description"] = "Weather for a city.",
        ["parameters"] = JsonNode.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""),
    };

    protected static byte[] Tone(double seconds, double frequency)
    {
        var samples = (int)Math.Round(seconds * Rate);
        var bytes = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var v = (short)(Math.Sin(2 * Math.PI * frequency * i / Rate) * 12000);
            bytes[2 * i] = (byte)v;
            bytes[(2 * i) + 1] = (byte)(v >> 8);
        }

        return bytes;
    }

    /// <summary>The frequency of a PCM16 tone from its upward zero crossings.</summary>
    protected static double Frequency(ReadOnlySpan<byte> pcm)
    {
        var crossings = 0;
        short previous = 0;
        for (var i = 0; i + 1 < pcm.Length; i += 2)
        {
            var s = (short)(pcm[i] | (pcm[i + 1] << 8));
            if (previous < 0 && s >= 0)
            {
                crossings++;
            }

            previous = s;
        }

        return crossings / (pcm.Length / 2.0 / Rate);
    }

    protected ReceivedRealtimeSession Connection() => Server.RealtimeSessions[0];

    protected async Task<Wire> WireAsync(string query = "model=gpt-realtime")
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + ApiKey);
        var uri = new UriBuilder(new Uri(Server.BaseAddress, "v1/realtime?" + query)) { Scheme = "ws" }.Uri;
        await socket.ConnectAsync(uri, CancellationToken.None);
        return new Wire(socket);
    }

    /// <summary>A bare socket: JSON out, JSON in, one event per text frame.</summary>
    protected sealed class Wire(ClientWebSocket socket) : IAsyncDisposable
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

        public ClientWebSocket Socket => socket;

        public Task SendAsync(JsonObject evt) => SendAsync(evt.ToJsonString());

        public Task SendAsync(string json) => socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

        public Task AppendAsync(byte[] pcm) => SendAsync(new JsonObject { ["type"] = "input_audio_buffer.append", ["audio"] = Convert.ToBase64String(pcm) });

        /// <summary>Appends in 100 ms chunks, as a microphone would.</summary>
        public async Task AppendChunkedAsync(byte[] pcm)
        {
            for (var i = 0; i < pcm.Length; i += Rate / 10 * 2)
            {
                await AppendAsync(pcm[i..Math.Min(pcm.Length, i + (Rate / 10 * 2))]);
            }
        }

        public async Task<JsonNode> NextAsync()
        {
            var (node, close) = await ReadAsync();
            return node ?? throw new WebSocketException($"closed: {close}");
        }

        public async Task<WebSocketCloseStatus?> NextOrCloseAsync()
        {
            while (true)
            {
                try
                {
                    var (node, close) = await ReadAsync();
                    if (node is null)
                    {
                        return close;
                    }
                }
                catch (WebSocketException)
                {
                    return socket.CloseStatus;
                }
            }
        }

        public Task<List<JsonNode>> UntilAsync(string type) => UntilAsync(e => Type(e) == type);

        public async Task<List<JsonNode>> UntilAsync(Func<JsonNode, bool> last)
        {
            var events = new List<JsonNode>();
            while (true)
            {
                var evt = await NextAsync();
                events.Add(evt);
                if (last(evt))
                {
                    return events;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (socket.State == WebSocketState.Open)
            {
                try
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", new CancellationTokenSource(Timeout).Token);
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
                {
                }
            }

            socket.Dispose();
        }

        private async Task<(JsonNode? Node, WebSocketCloseStatus? Close)> ReadAsync()
        {
            using var cts = new CancellationTokenSource(Timeout);
            var buffer = new byte[64 * 1024];
            using var message = new MemoryStream();
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, cts.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return (null, result.CloseStatus);
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    return (JsonNode.Parse(message.ToArray()), null);
                }
            }
        }
    }
}
