using System.Text;
using System.Text.Json;
using AudioSdk.Audio;
using AudioSdk.Realtime;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// Telephony in the conversation dialect: G.711 declared in <c>session.update</c>, μ-law sent by the caller and carried
/// to the wire (decoded, resampled when the rates differ, encoded last), A-law answers delivered as received with their
/// duration, decoded on request, and a barge-in truncation capped at the 8 kHz audio received.
/// </summary>
public sealed class ConversationG711Tests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    private static async Task<JsonElement> HandshakeAsync(RawWebSocketConnection c)
    {
        await c.AcceptAsync();
        await c.SendTextAsync("""{"type":"session.created","event_id":"event_1","session":{"type":"realtime","object":"realtime.session","id":"sess_g711"}}""");
        var update = JsonDocument.Parse((await c.ReadUntilAsync("session.update"))!).RootElement.Clone();
        await c.SendTextAsync("""{"type":"session.updated","event_id":"event_2","session":{"type":"realtime"}}""");
        return update;
    }

    private static short[] Tone(int rate, int count) =>
        Enumerable.Range(0, count).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / rate))).ToArray();

    private static async Task<byte[]> ReadAppendedAsync(RawWebSocketConnection c, int bytes)
    {
        var received = new List<byte>();
        while (received.Count < bytes)
        {
            var text = await c.ReadUntilAsync("input_audio_buffer.append");
            received.AddRange(Convert.FromBase64String(JsonDocument.Parse(text!).RootElement.GetProperty("audio").GetString()!));
        }

        return received.ToArray();
    }

    [Theory]
    [InlineData(RealtimeAudioEncoding.G711MuLaw, "audio/pcmu")]
    [InlineData(RealtimeAudioEncoding.G711ALaw, "audio/pcma")]
    public async Task G711Input_FromACaller_ReachesTheWireAsTheSameCodes(RealtimeAudioEncoding format, string wireType)
    {
        var law = format == RealtimeAudioEncoding.G711MuLaw ? G711Law.MuLaw : G711Law.ALaw;
        var codes = new byte[8000];
        G711.Encode(Tone(8000, codes.Length), codes, law);
        JsonElement update = default;
        byte[]? received = null;
        await using var server = RawWebSocketServer.Start(async c =>
        {
            update = await HandshakeAsync(c);
            received = await ReadAppendedAsync(c, codes.Length);
            await c.ReadUntilAsync("input_audio_buffer.commit");
            await c.SendTextAsync("""{"type":"input_audio_buffer.committed","item_id":"item_1","previous_item_id":null}""");
            while (await c.ReadFrameAsync() is { } frame && frame.Opcode != 8)
            {
            }

            await c.SendCloseAsync(1000, "bye");
        });
        using var client = RealtimeFaultMatrixTests.Client(server);
        await using (var rt = await client.StartRealtimeSessionAsync(new RealtimeSessionOptions
        {
            Dialect = RealtimeDialect.OpenAIConversation,
            Model = "gpt-realtime",
            InputEncoding = format,
            InputSampleRate = 8000,
            Conversation = new RealtimeConversationOptions { InputAudioFormat = format, OutputAudioFormat = format },
        }))
        {
            Assert.Equal(8000, rt.SampleRate);
            await rt.SendAudioAsync(codes.AsMemory(0, 3001));
            await rt.SendAudioAsync(codes.AsMemory(3001));
            await rt.CommitAsync().WaitAsync(Guard);
        }

        var audio = update.GetProperty("session").GetProperty("audio");
        Assert.Equal(wireType, audio.GetProperty("input").GetProperty("format").GetProperty("type").GetString());
        Assert.Equal(wireType, audio.GetProperty("output").GetProperty("format").GetProperty("type").GetString());
        Assert.False(audio.GetProperty("input").GetProperty("format").TryGetProperty("rate", out _));

        // 8 kHz in, 8 kHz on the wire: no resampling, so decode-then-encode gives back the caller's codes.
        Assert.Equal(codes, received);
    }

    [Fact]
    public async Task Pcm16At24kHzInput_GoesOutAsMuLawAt8kHz_WithTheToneKept()
    {
        byte[]? received = null;
        await using var server = RawWebSocketServer.Start(async c =>
        {
            await HandshakeAsync(c);
            received = await ReadAppendedAsync(c, 7900);
            while (await c.ReadFrameAsync() is { } frame && frame.Opcode != 8)
            {
            }

            await c.SendCloseAsync(1000, "bye");
        });
        using var client = RealtimeFaultMatrixTests.Client(server);
        await using (var rt = await client.StartRealtimeSessionAsync(new RealtimeSessionOptions
        {
            Dialect = RealtimeDialect.OpenAIConversation,
            Model = "gpt-realtime",
            InputSampleRate = 24000,
            Conversation = new RealtimeConversationOptions { InputAudioFormat = RealtimeAudioEncoding.G711MuLaw },
        }))
        {
            await rt.SendAudioAsync(Tone(24000, 24000).AsMemory());
        }

        var decoded = new short[received!.Length];
        G711.Decode(received, decoded, G711Law.MuLaw);
        var reference = Tone(8000, decoded.Length);
        double signal = 0, noise = 0;
        for (var i = 200; i < decoded.Length - 200; i++)
        {
            signal += (double)reference[i] * reference[i];
            noise += (double)(decoded[i] - reference[i]) * (decoded[i] - reference[i]);
        }

        // μ-law's own quantization noise on a -12 dBFS tone is about 38 dB below it; resampling adds next to nothing.
        Assert.True(10 * Math.Log10(signal / noise) > 30, $"SNR {10 * Math.Log10(signal / noise):0.0} dB");
    }

    [Fact]
    public async Task ALawAnswer_IsDeliveredAsReceived_AndTruncationIsCappedAt8kHzTime()
    {
        var answer = new byte[800]; // 100 ms of A-law
        G711.Encode(Tone(8000, answer.Length), answer, G711Law.ALaw);
        var truncations = new List<int>();
        await using var server = RawWebSocketServer.Start(async c =>
        {
            await HandshakeAsync(c);
            await c.ReadUntilAsync("response.create");
            await c.SendTextAsync("""{"type":"response.created","response":{"id":"resp_1","status":"in_progress","output":[]}}""");
            for (var i = 0; i < 2; i++)
            {
                await c.SendTextAsync($$"""{"type":"response.output_audio.delta","response_id":"resp_1","item_id":"item_2","output_index":0,"content_index":0,"delta":"{{Convert.ToBase64String(answer)}}"}""");
            }

            var truncate = JsonDocument.Parse((await c.ReadUntilAsync("conversation.item.truncate"))!).RootElement;
            truncations.Add(truncate.GetProperty("audio_end_ms").GetInt32());
            await c.SendTextAsync("""{"type":"conversation.item.truncated","item_id":"item_2","content_index":0,"audio_end_ms":MS}""".Replace("MS", truncations[0].ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
            while (await c.ReadFrameAsync() is { } frame && frame.Opcode != 8)
            {
            }

            await c.SendCloseAsync(1000, "bye");
        });
        using var client = RealtimeFaultMatrixTests.Client(server);
        await using var rt = await client.StartRealtimeSessionAsync(new RealtimeSessionOptions
        {
            Dialect = RealtimeDialect.OpenAIConversation,
            Model = "gpt-realtime",
            Conversation = new RealtimeConversationOptions { OutputAudioFormat = RealtimeAudioEncoding.G711ALaw },
        });
        _ = await rt.CreateResponseAsync().WaitAsync(Guard);
        using var cts = new CancellationTokenSource(Guard);
        var deltas = new List<OutputAudioDelta>();
        await foreach (var e in rt.ReadEventsAsync(cts.Token))
        {
            if (e is OutputAudioDelta d)
            {
                deltas.Add(d);
                if (deltas.Count == 2)
                {
                    break;
                }
            }
        }

        Assert.All(deltas, d =>
        {
            Assert.Equal(RealtimeAudioEncoding.G711ALaw, d.Format);
            Assert.Equal(8000, d.SampleRate);
            Assert.Equal(TimeSpan.FromMilliseconds(100), d.Duration);
            Assert.Equal(answer, d.Audio.ToArray());
            var pcm = d.ToPcm16();
            Assert.Equal(1600, pcm.Length);
            Assert.Equal(G711.DecodeALaw(answer[1]), BitConverter.ToInt16(pcm, 2));
        });
        Assert.Equal(TimeSpan.FromMilliseconds(200), rt.OutputAudioReceived("item_2"));
        var truncated = await rt.TruncateAsync("item_2", TimeSpan.FromSeconds(5)).WaitAsync(Guard);
        Assert.Equal(200, truncated!.AudioEndMs);
        Assert.Equal([200], truncations);
    }
}
