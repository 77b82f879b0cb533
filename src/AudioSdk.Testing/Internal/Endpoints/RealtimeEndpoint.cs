using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AudioSdk.Testing.Internal.Endpoints;

/// <summary>
/// What both realtime dialects share: the socket loop, scripted actions, and the transcripts derived from the audio
/// received ("Heard D seconds at F Hz."), so a test can tell whether audio arrived whole and at the right rate.
/// A dialect's endpoint says what it sends first and how it answers each client event.
/// </summary>
internal abstract class RealtimeEndpoint(WebSocket socket, ReceivedRealtimeSession record, AudioTestServerOptions options, Func<string?,
    RealtimeScriptedAction?> takeScript, CancellationToken aborted)
{
    /// <summary>The largest client message read: 32 MiB (a 15 MiB append in base64, with room to spare).</summary>
    private const int MaxMessageBytes = 32 * 1024 * 1024;

    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private int _eventCounter;

    /// <summary>The audio of the utterance under way.</summary>
    protected MemoryStream Buffer { get; } = new();

    protected ReceivedRealtimeSession Record => record;

    protected AudioTestServerOptions Options => options;

    /// <summary>Ends with the connection.</summary>
    protected CancellationToken Aborted => aborted;

    /// <summary>Closes the TCP connection without a close handshake.</summary>
    public Action? Abort { get; init; }

    /// <summary>
    /// How long a scripted drop lets the events already sent reach the wire first: the server aborts the connection
    /// with what it queued still unsent otherwise, and the client would lose events the script meant it to see.
    /// </summary>
    private static readonly TimeSpan DrainBeforeDrop = TimeSpan.FromMilliseconds(150);

    /// <summary>Drops the TCP connection, without a close handshake, once what was sent before has been written out.</summary>
    protected async Task DropAsync()
    {
        try
        {
            await Task.Delay(DrainBeforeDrop, aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        Abort?.Invoke();
    }

    public async Task RunAsync()
    {
        if (await RunScriptAsync(null).ConfigureAwait(false) is true)
        {
            return;
        }

        await GreetAsync().ConfigureAwait(false);
        var receive = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (socket.State == WebSocketState.Open)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(receive, aborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                break;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).ConfigureAwait(false);
                }

                break;
            }

            if (message.Length + result.Count > MaxMessageBytes)
            {
                // Bounded memory for hostile input: no client event is this large (an append carries at most 15 MiB).
                try
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "message too big",
                        CancellationToken.None).ConfigureAwait(false);
                }
                catch (WebSocketException)
                {
                }

                break;
            }

            message.Write(receive, 0, result.Count);
            if (!result.EndOfMessage)
            {
                continue;
            }

            var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
            message.SetLength(0);
            record.ClientMessages.Enqueue(text);
            if (!await HandleMessageAsync(text).ConfigureAwait(false))
            {
                break;
            }
        }

        record.Ended = true;
    }

    /// <summary>The first event on a new connection (<c>session.created</c>).</summary>
    protected abstract Task GreetAsync();

    /// <summary>Answers one client event.</summary>
    protected abstract Task HandleAsync(string? type, JsonObject message);

    /// <summary>Answers a client message that is not JSON; false ends the connection.</summary>
    protected abstract Task<bool> HandleMalformedAsync();

    /// <summary>Transcribes the buffered audio and records the utterance.</summary>
    protected ReceivedUtterance Transcribe(string itemId, int rate)
    {
        var bytes = Buffer.ToArray();
        Buffer.SetLength(0);
        var duration = TimeSpan.FromSeconds(bytes.Length / 2.0 / rate);
        var activity = PcmActivity.Create(rate, 1, 16, 1)!;
        activity.Feed(bytes);
        var bursts = activity.Finish();
        var frequency = bursts.Count == 0 ? 0 : bursts.MaxBy(b => b.End - b.Start)!.FrequencyHz;
        var transcript = string.Create(CultureInfo.InvariantCulture, $"Heard {duration.TotalSeconds:0.00} seconds at {frequency:0} Hz.");
        var utterance = new ReceivedUtterance(itemId, bytes, rate, duration, frequency, transcript);
        record.Utterances.Enqueue(utterance);
        return utterance;
    }

    protected static byte[]? Base64(JsonObject msg)
    {
        try
        {
            return Convert.FromBase64String(msg["audio"]?.GetValue<string>() ?? string.Empty);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A string field, or null when it is missing or not a string.</summary>
    protected static string? Text(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;

    protected Task SendAsync(JsonObject evt) => SendFrameAsync(Encoding.UTF8.GetBytes(evt.ToJsonString()), WebSocketMessageType.Text);

    /// <summary>Sends an event with <c>type</c> first and a server <c>event_id</c>, as OpenAI orders them.</summary>
    protected Task SendEventAsync(JsonObject evt)
    {
        var ordered = new JsonObject { ["type"] = evt["type"]!.DeepClone(),
            ["event_id"] = "event_" + Interlocked.Increment(ref _eventCounter).ToString("D4", CultureInfo.InvariantCulture) };
        foreach (var pair in evt.ToList())
        {
            if (pair.Key != "type")
            {
                evt.Remove(pair.Key);
                ordered[pair.Key] = pair.Value;
            }
        }

        return SendAsync(ordered);
    }

    private async Task<bool> HandleMessageAsync(string text)
    {
        JsonObject? msg;
        try
        {
            msg = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            msg = null;
        }

        var type = Text(msg?["type"]);
        if (await RunScriptAsync(type).ConfigureAwait(false) is { } stop)
        {
            return !stop && socket.State == WebSocketState.Open;
        }

        if (msg is null)
        {
            return await HandleMalformedAsync().ConfigureAwait(false);
        }

        await HandleAsync(type, msg).ConfigureAwait(false);
        return true;
    }

    /// <summary>Runs the next scripted action for this trigger. Null: none; true: the connection ended; false: handled, go on without
    /// normal handling.</summary>
    private async Task<bool?> RunScriptAsync(string? trigger)
    {
        var action = takeScript(trigger);
        if (action is null)
        {
            return null;
        }

        if (action.Delay > TimeSpan.Zero)
        {
            await Task.Delay(action.Delay, aborted).ConfigureAwait(false);
        }

        if (action.Send is { } text)
        {
            await SendFrameAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text).ConfigureAwait(false);
        }

        if (action.SendRaw is { } raw)
        {
            await SendFrameAsync(raw, action.RawMessageType).ConfigureAwait(false);
        }

        if (action.ResetDuringClientSend)
        {
            // Wait until the client's next message has begun to arrive, then cut the connection under it.
            var first = new byte[16];
            try
            {
                await socket.ReceiveAsync(first, aborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }

            Abort?.Invoke();
            return true;
        }

        if (action.DropConnection)
        {
            if (action.Send is not null || action.SendRaw is not null)
            {
                await DropAsync().ConfigureAwait(false);
            }
            else
            {
                Abort?.Invoke();
            }

            return true;
        }

        if (action.CloseStatus is { } status)
        {
            await socket.CloseAsync(status, action.CloseReason, CancellationToken.None).ConfigureAwait(false);
            return true;
        }

        return action.SkipNormalHandling ? false : null;
    }

    private async Task SendFrameAsync(byte[] payload, WebSocketMessageType type)
    {
        await _sendLock.WaitAsync(aborted).ConfigureAwait(false);
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(payload, type, true, aborted).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
