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

    /// <summary>Runs the call until the caller sends <c>stop</c> or closes, or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(WebSocket caller, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var call = new Call(caller);
        RealtimeSession? session = null;
        Task? pump = null;
        try
        {
            while (await ReceiveAsync(caller, stop.Token) is { } frame)
            {
                using var json = JsonDocument.Parse(frame);
                var root = json.RootElement;
                switch (root.TryGetProperty("event", out var e) ? e.GetString() : null)
                {
                    case "start" when session is null:
                        call.StreamSid = root.GetProperty("start").GetProperty("streamSid").GetString();
                        session = await client.StartRealtimeSessionAsync(options, stop.Token);
                        pump = PumpAsync(session, call, stop.Token);
                        break;
                    case "media" when session is not null:
                        var media = root.GetProperty("media");
                        if (!media.TryGetProperty("track", out var track) || track.GetString() is null or "inbound")
                        {
                            await session.SendAudioAsync(media.GetProperty("payload").GetBytesFromBase64(), stop.Token);
                        }

                        break;
                    case "mark":
                        call.Played(root.GetProperty("mark").GetProperty("name").GetString());
                        break;
                    case "stop":
                        return;
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
                await caller.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "call ended", closing.Token);
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

        /// <summary>A mark came back: the audio of its item up to its count has been played.</summary>
        public void Played(string? name)
        {
            var colon = name?.LastIndexOf(':') ?? -1;
            if (colon > 0 && name![..colon] == Item && long.TryParse(name.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var samples))
            {
                Interlocked.Exchange(ref _played, Math.Max(PlayedSamples, samples));
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
