using System.Net;
using System.Net.WebSockets;
using AudioSdk.Realtime;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// The realtime rows of the fault matrix, against a raw TCP server that misbehaves byte by byte: each fault ends in
/// its documented outcome, well within its timeout (the guards below are hang guards, far above the expected time).
/// </summary>
public sealed class RealtimeFaultMatrixTests
{
    private const string Key = "sk-fault-matrix-0123456789";
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(401, "API key")]
    [InlineData(403, "organization")]
    [InlineData(404, "path")]
    [InlineData(429, "rate limiting")]
    public async Task UpgradeRefused_IsAnAudioServiceException_WithStatusBodyAndWhatToCheck(int status, string hint)
    {
        var body = "{\"error\":{\"message\":\"Refused: key " + Key + " not accepted here\",\"type\":\"invalid_request_error\",\"code\":\"refused_" + status + "\"}}";
        await using var server = RawWebSocketServer.Start(c => c.RefuseAsync(status, body));
        using var client = Client(server);

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => client.StartRealtimeSessionAsync(Options() with { ConnectTimeout = TimeSpan.FromSeconds(30) }).WaitAsync(Guard));

        Assert.Equal((HttpStatusCode)status, ex.Status);
        Assert.Equal($"refused_{status}", ex.Code);
        Assert.Contains("Refused: key *** not accepted here", ex.RawBody);
        Assert.Contains(hint, ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("upgrade", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, ex.ToString());
    }

    [Theory]
    [InlineData(RealtimeDialect.OpenAITranscription)]
    [InlineData(RealtimeDialect.VllmNative)]
    public async Task FrameOverTheSizeLimit_ClosesWithMessageTooBig_AndFailsPendingCalls(RealtimeDialect dialect)
    {
        await using var server = RawWebSocketServer.Start(async c =>
        {
            await HandshakeAsync(c, dialect);
            await c.SendTextAsync("{\"type\":\"x\",\"pad\":\"" + new string('a', 8000) + "\"}");
            await c.ReadFrameAsync();
        });
        using var client = Client(server);
        await using var rt = await client.StartRealtimeSessionAsync(Options(dialect) with { MaxMessageBytes = 4096 });

        var closed = await ClosedAsync(rt);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, closed.CloseStatus);
        Assert.False(closed.ByClient);
        await Assert.ThrowsAsync<RealtimeException>(() => rt.WaitForTranscriptAsync("item_001").WaitAsync(Guard));
        await Assert.ThrowsAsync<RealtimeException>(() => rt.SendAudioAsync(new byte[3200]).WaitAsync(Guard));
    }

    [Theory]
    [InlineData(RealtimeDialect.OpenAITranscription)]
    [InlineData(RealtimeDialect.VllmNative)]
    public async Task CloseWith1011_EndsTheSession_WithTheStatusAndReason(RealtimeDialect dialect)
    {
        var release = new TaskCompletionSource();
        await using var server = RawWebSocketServer.Start(async c =>
        {
            await HandshakeAsync(c, dialect);
            await release.Task.WaitAsync(Guard);
            await c.SendCloseAsync(1011, "upstream crashed");
            await c.ReadFrameAsync();
        });
        using var client = Client(server);
        await using var rt = await client.StartRealtimeSessionAsync(Options(dialect));
        var pending = rt.WaitForTranscriptAsync("item_001");
        release.SetResult();

        var closed = await ClosedAsync(rt);

        Assert.Equal(WebSocketCloseStatus.InternalServerError, closed.CloseStatus);
        Assert.Equal("upstream crashed", closed.CloseDescription);
        var ex = await Assert.ThrowsAsync<RealtimeException>(() => pending.WaitAsync(Guard));
        Assert.Contains("1011", ex.Message, StringComparison.Ordinal);
        Assert.Contains("upstream crashed", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RealtimeDialect.OpenAITranscription)]
    [InlineData(RealtimeDialect.VllmNative)]
    public async Task TcpDropWithoutClose_EndsTheSession_AndFailsPendingCalls(RealtimeDialect dialect)
    {
        var release = new TaskCompletionSource();
        await using var server = RawWebSocketServer.Start(async c =>
        {
            await HandshakeAsync(c, dialect);
            await release.Task.WaitAsync(Guard);
            c.Drop();
        });
        using var client = Client(server);
        await using var rt = await client.StartRealtimeSessionAsync(Options(dialect));
        var pending = rt.WaitForTranscriptAsync("item_001");
        release.SetResult();

        var closed = await ClosedAsync(rt);

        Assert.Null(closed.CloseStatus);
        Assert.False(closed.ByClient);
        var ex = await Assert.ThrowsAsync<RealtimeException>(() => pending.WaitAsync(Guard));
        Assert.Contains("dropped", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RealtimeDialect.OpenAITranscription)]
    [InlineData(RealtimeDialect.VllmNative)]
    public async Task TextFrameThatIsNotUtf8_FailsTheConnection_AsTheWebSocketProtocolRequires(RealtimeDialect dialect)
    {
        await using var server = RawWebSocketServer.Start(async c =>
        {
            await HandshakeAsync(c, dialect);
            await c.SendFrameAsync(1, new byte[] { 0x7B, 0x22, 0xFF, 0x22, 0x7D });
            await c.ReadFrameAsync();
        });
        using var client = Client(server);
        await using var rt = await client.StartRealtimeSessionAsync(Options(dialect));
        var pending = rt.WaitForTranscriptAsync("item_001");

        var closed = await ClosedAsync(rt);

        Assert.False(closed.ByClient);
        Assert.Contains("not UTF-8", closed.CloseDescription, StringComparison.Ordinal);
        await Assert.ThrowsAsync<RealtimeException>(() => pending.WaitAsync(Guard));
    }

    internal static async Task HandshakeAsync(RawWebSocketConnection c, RealtimeDialect dialect)
    {
        await c.AcceptAsync();
        if (dialect == RealtimeDialect.VllmNative)
        {
            await c.SendTextAsync("""{"type":"session.created","id":"sess-raw","created":1}""");
            await c.ReadUntilAsync("session.update");
            return;
        }

        await c.SendTextAsync("""{"type":"session.created","event_id":"event_0001","session":{"id":"sess_raw"}}""");
        await c.ReadUntilAsync("session.update");
        await c.SendTextAsync("""{"type":"session.updated","event_id":"event_0002","session":{}}""");
    }

    internal static AudioClient Client(RawWebSocketServer server, Microsoft.Extensions.Logging.ILoggerFactory? logs = null) =>
        new(new AudioClientOptions { Endpoint = server.Endpoint, ApiKey = Key, Retry = AudioClientRetryOptions.None, LoggerFactory = logs });

    internal static RealtimeSessionOptions Options(RealtimeDialect dialect = RealtimeDialect.OpenAITranscription) =>
        new() { Dialect = dialect, Model = "m", ConnectTimeout = TimeSpan.FromSeconds(10), ResponseTimeout = TimeSpan.FromSeconds(60) };

    internal static async Task<Closed> ClosedAsync(RealtimeSession session)
    {
        using var cts = new CancellationTokenSource(Guard);
        await foreach (var e in session.ReadEventsAsync(cts.Token))
        {
            if (e is Closed closed)
            {
                return closed;
            }
        }

        throw new InvalidOperationException("The stream ended without Closed.");
    }
}
