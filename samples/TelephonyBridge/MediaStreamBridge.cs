using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using AudioSdk;
using AudioSdk.Audio;
using AudioSdk.Realtime;

namespace TelephonyBridge;

/// <summary>
/// One phone call's media stream bridged to a realtime conversation. The caller side speaks the common phone-media-stream
/// shape (Twilio Media Streams): JSON text frames with an <c>event</c> of <c>connected</c>, <c>start</c> (the stream's
/// <c>streamSid</c>), <c>media</c> (base64 μ-law at 8 kHz in <c>media.payload</c>), <c>mark</c> (a name the caller echoes
/// once the audio sent before it has been played) and <c>stop</c>; the bridge sends <c>media</c>, <c>mark</c> and
/// <c>clear</c> (drop what is buffered). The caller's μ-law goes to the session as it comes (the SDK decodes and
/// resamples it to the wire); the agent's audio comes back resampled to 8 kHz and μ-law encoded, each delta followed by
/// a mark. When the user speaks over the answer (the server's turn detection), the bridge clears the caller's buffer and
/// truncates the answer at what the marks say was played, so the model remembers only what the caller heard.
/// </summary>
public sealed class MediaStreamBridge(AudioClient client, RealtimeSessionOptions options)
{
    /// <summary>The session options for a phone call: μ-law in at 8 kHz, server turn detection that answers and can be interrupted.</summary>
    public static RealtimeSessionOptions PhoneCall(string model, string instructions) => new()
    {
        Dialect = RealtimeDialect.OpenAIConversation,
        Model = model,
        InputEncoding = RealtimeAudioEncoding.G711MuLaw,
        InputSampleRate = G711.SampleRate,
        TurnDetection = new RealtimeTurnDetection { Mode = RealtimeTurnDetectionMode.Server, CreateResponse = true, InterruptResponse = true },
        Conversation = new RealtimeConversationOptions { Instructions = instructions },
    };

    /// <summary>
    /// Runs the call until the caller sends <c>stop</c> or closes, or <paramref name="cancellationToken"/> fires. A frame
    /// that is not the media-stream shape (not JSON, a missing field, a payload that is not base64) ends the call with the
    /// close status <c>PolicyViolation</c>, a frame over 1 MiB with <c>MessageTooBig</c>; nothing is thrown for them.
    /// </summary>
    public async Task RunAsync(WebSocket caller, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var call = new Call(caller);
        RealtimeSession? session = null;
        Task? pump = null;
        var (status, reason) = (WebSocketCloseStatus.NormalClosure, "call ended");
        try
        {
            while (true)
            {
                byte[]? bytes;
                try
                {
                    bytes = await ReceiveAsync(caller, stop.Token);
                }
                catch (InvalidDataException)
                {
                    (status, reason) = (WebSocketCloseStatus.MessageTooBig, "a media-stream frame over 1 MiB");
                    break;
                }

                if (bytes is null)
                {
                    break;
                }

                if (Frame.Read(bytes) is not { } frame)
                {
                    (status, reason) = (WebSocketCloseStatus.PolicyViolation, "not a media-stream frame");
                    break;
                }

                if (frame.Event == "stop")
                {
                    break;
                }

                if (frame.Event == "start" && session is null)
                {
                    call.StreamSid = frame.StreamSid;
                    session = await client.StartRealtimeSessionAsync(options, stop.Token);
                    pump = PumpAsync(session, call, stop.Token);
                }
                else if (frame.Event == "media" && session is not null && frame.Payload is { } payload)
                {
                    await session.SendAudioAsync(payload, stop.Token);
                }
                else if (frame.Event == "mark")
                {
                    call.Played(frame.Mark);
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            if (pump is not null)
            {
                try
                {
                    await pump;
                }
                catch (OperationCanceledException)
                {
                }
            }

            if (session is not null)
            {
                await session.DisposeAsync();
            }

            if (caller.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await caller.CloseOutputAsync(status, reason, closing.Token);
            }
        }
    }

    /// <summary>The session's events to the caller: the answer's audio with marks, and a barge-in's clear and truncation.</summary>
    private static async Task PumpAsync(RealtimeSession session, Call call, CancellationToken cancellationToken)
    {
        var truncated = new HashSet<string>(StringComparer.Ordinal);
        AudioResampler? down = null;
        await foreach (var e in session.ReadEventsAsync(cancellationToken))
        {
            switch (e)
            {
                case OutputAudioDelta delta when delta.ItemId is { } item && !truncated.Contains(item):
                    if (item != call.Item)
                    {
                        call.StartItem(item);
                        down = new AudioResampler(delta.SampleRate, G711.SampleRate);
                    }

                    var codes = ToMuLaw(delta, down!);
                    call.Sent += codes.Length;
                    await call.SendAsync(Media(call.StreamSid, codes), cancellationToken);
                    await call.SendAsync(Mark(call.StreamSid, $"{item}:{call.Sent}"), cancellationToken);
                    break;
                case SpeechStarted when call.Item is { } playing && call.Pending:
                    // The user talks over the answer: what the caller has not played goes, and the model keeps what was heard.
                    var played = TimeSpan.FromSeconds(call.PlayedSamples / (double)G711.SampleRate);
                    truncated.Add(playing);
                    call.StartItem(null);
                    await call.SendAsync(Clear(call.StreamSid), cancellationToken);
                    await session.TruncateAsync(playing, played, cancellationToken);
                    break;
            }
        }
    }

    private static byte[] ToMuLaw(OutputAudioDelta delta, AudioResampler down)
    {
        var pcm = Pcm16.FromBytes(delta.ToPcm16());
        var input = new float[pcm.Length];
        Pcm16.ToFloat(pcm, input);
        var output = new float[down.GetMaxOutputLength(input.Length)];
        var n = down.Process(input, output);
        var samples = new short[n];
        for (var i = 0; i < n; i++)
        {
            samples[i] = (short)Math.Clamp(Math.Round(output[i] * 32767), short.MinValue, short.MaxValue);
        }

        var codes = new byte[n];
        G711.Encode(samples, codes, G711Law.MuLaw);
        return codes;
    }

    private static byte[] Media(string? streamSid, byte[] codes) => Json(w =>
    {
        w.WriteString("event", "media");
        w.WriteString("streamSid", streamSid);
        w.WriteStartObject("media");
        w.WriteBase64String("payload", codes);
        w.WriteEndObject();
    });

    private static byte[] Mark(string? streamSid, string name) => Json(w =>
    {
        w.WriteString("event", "mark");
        w.WriteString("streamSid", streamSid);
        w.WriteStartObject("mark");
        w.WriteString("name", name);
        w.WriteEndObject();
    });

    private static byte[] Clear(string? streamSid) => Json(w =>
    {
        w.WriteString("event", "clear");
        w.WriteString("streamSid", streamSid);
    });

    private static byte[] Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One text frame from the caller (at most 1 MiB), or null when it closes.</summary>
    private static async Task<byte[]?> ReceiveAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (message.Length > 1024 * 1024)
            {
                throw new InvalidDataException("A media-stream frame over 1 MiB.");
            }

            if (result.EndOfMessage)
            {
                return message.ToArray();
            }
        }
    }

    /// <summary>What the bridge uses of one caller frame: its event, and the stream id, inbound audio or mark name it carries.</summary>
    private sealed record Frame(string? Event, string? StreamSid, byte[]? Payload, string? Mark)
    {
        /// <summary>The frame's fields, or null when it is not the media-stream shape.</summary>
        public static Frame? Read(byte[] bytes)
        {
            try
            {
                using var json = JsonDocument.Parse(bytes);
                var root = json.RootElement;
                var name = root.TryGetProperty("event", out var e) ? e.GetString() : null;
                return name switch
                {
                    "start" => new Frame(name, root.GetProperty("start").GetProperty("streamSid").GetString(), null, null),
                    "media" when root.GetProperty("media") is var media
                        && (!media.TryGetProperty("track", out var track) || track.GetString() is null or "inbound") =>
                        new Frame(name, null, media.GetProperty("payload").GetBytesFromBase64(), null),
                    "mark" => new Frame(name, null, null, root.GetProperty("mark").GetProperty("name").GetString()),
                    _ => new Frame(name, null, null, null),
                };
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                return null;
            }
        }
    }

    /// <summary>The caller's side of the call: its stream id, the item playing, what was sent and what its marks say was played.</summary>
    private sealed class Call(WebSocket socket)
    {
        private readonly SemaphoreSlim _send = new(1, 1);
        private long _played;

        public string? StreamSid { get; set; }

        public string? Item { get; private set; }

        public long Sent { get; set; }

        public long PlayedSamples => Interlocked.Read(ref _played);

        public bool Pending => Sent > PlayedSamples;

        public void StartItem(string? item)
        {
            Item = item;
            Sent = 0;
            Interlocked.Exchange(ref _played, 0);
        }

        /// <summary>A mark came back: the audio of its item up to its count has been played (never more than was sent).</summary>
        public void Played(string? name)
        {
            var colon = name?.LastIndexOf(':') ?? -1;
            if (colon > 0 && name![..colon] == Item && long.TryParse(name.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var samples))
            {
                Interlocked.Exchange(ref _played, Math.Max(PlayedSamples, Math.Min(samples, Sent)));
            }
        }

        public async Task SendAsync(byte[] json, CancellationToken cancellationToken)
        {
            await _send.WaitAsync(cancellationToken);
            try
            {
                await socket.SendAsync(json, WebSocketMessageType.Text, true, cancellationToken);
            }
            finally
            {
                _send.Release();
            }
        }
    }
}
