using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using AudioSdk.Audio;

namespace TelephonyBridge;

/// <summary>
/// A scripted phone caller on the media-stream protocol: it says something (a one-second tone in μ-law, then silence),
/// plays the answer in real time (acknowledging each mark when the audio before it has played), and after
/// <see cref="InterruptAfter"/> of the answer talks over it, then waits for the bridge's <c>clear</c>.
/// </summary>
public sealed class ScriptedCaller(Uri endpoint)
{
    /// <summary>How much of the answer the caller hears before it interrupts.</summary>
    public TimeSpan InterruptAfter { get; init; } = TimeSpan.FromSeconds(0.6);

    /// <summary>What the call came to.</summary>
    public sealed record Outcome(TimeSpan AnswerReceived, TimeSpan PlayedAtInterruption, double AnswerRms, bool Cleared, TimeSpan ClearAfterInterruption);

    public async Task<Outcome> CallAsync(CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(endpoint, cancellationToken);
        const string Sid = "MZ00000000000000000000000000000001";
        await SendAsync(socket, """{"event":"connected","protocol":"Call","version":"1.0.0"}""", cancellationToken);
        await SendAsync(socket, $$$"""{"event":"start","sequenceNumber":"1","start":{"accountSid":"AC0","streamSid":"{{{Sid}}}","callSid":"CA0","tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1}},"streamSid":"{{{Sid}}}"}""", cancellationToken);

        // The question: 1 s of speech-like tone, then 1 s of silence (the server's turn detection ends the turn).
        await SpeakAsync(socket, Sid, Tone(1.0, 440), cancellationToken);
        await SpeakAsync(socket, Sid, Silence(1.0), cancellationToken);

        var answer = new List<byte>();
        var marks = new Queue<(long At, string Name)>();
        var clock = new Stopwatch();
        var interrupted = TimeSpan.Zero;
        var played = TimeSpan.Zero;
        var inbox = System.Threading.Channels.Channel.CreateUnbounded<string?>();
        var receiving = Task.Run(
            async () =>
            {
                var buffer = new byte[64 * 1024];
                try
                {
                    while (await ReceiveAsync(socket, buffer, cancellationToken) is { } message)
                    {
                        inbox.Writer.TryWrite(message);
                    }
                }
                catch (Exception) when (socket.State != WebSocketState.Open)
                {
                    // The bridge went away; the caller reads what came before.
                }

                inbox.Writer.TryWrite(null);
            },
            CancellationToken.None);
        while (true)
        {
            // Marks whose audio has played (real time from the first audio) go back.
            while (marks.Count > 0 && clock.IsRunning && marks.Peek().At * 1000 / 8000 <= clock.ElapsedMilliseconds)
            {
                await SendAsync(socket, $$$"""{"event":"mark","streamSid":"{{{Sid}}}","mark":{"name":"{{{marks.Dequeue().Name}}}"}}""", cancellationToken);
            }

            if (interrupted == TimeSpan.Zero && clock.IsRunning && clock.Elapsed >= InterruptAfter)
            {
                played = TimeSpan.FromSeconds(Math.Min(clock.Elapsed.TotalSeconds, answer.Count / 8000.0));
                interrupted = clock.Elapsed;

                // Talking over the answer: a 660 Hz tone, then silence.
                await SpeakAsync(socket, Sid, Tone(0.8, 660).Concat(Silence(1.0)).ToArray(), cancellationToken);
            }

            if (!inbox.Reader.TryRead(out var text))
            {
                await Task.WhenAny(inbox.Reader.WaitToReadAsync(cancellationToken).AsTask(), Task.Delay(10, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
                continue;
            }

            if (text is null)
            {
                return new Outcome(TimeSpan.FromSeconds(answer.Count / 8000.0), played, Rms(answer), false, TimeSpan.Zero);
            }

            using var json = JsonDocument.Parse(text);
            switch (json.RootElement.GetProperty("event").GetString())
            {
                case "media":
                    clock.Start();
                    answer.AddRange(json.RootElement.GetProperty("media").GetProperty("payload").GetBytesFromBase64());
                    break;
                case "mark":
                    marks.Enqueue((answer.Count, json.RootElement.GetProperty("mark").GetProperty("name").GetString()!));
                    break;
                case "clear":
                    var after = clock.Elapsed - interrupted;
                    await SendAsync(socket, $$$"""{"event":"stop","streamSid":"{{{Sid}}}","stop":{"accountSid":"AC0","callSid":"CA0"}}""", cancellationToken);
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", cancellationToken);
                    await receiving;
                    return new Outcome(TimeSpan.FromSeconds(answer.Count / 8000.0), played, Rms(answer), interrupted > TimeSpan.Zero, after);
            }
        }
    }

    private static async Task SpeakAsync(ClientWebSocket socket, string sid, byte[] codes, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < codes.Length; offset += 160)
        {
            var chunk = Convert.ToBase64String(codes, offset, Math.Min(160, codes.Length - offset));
            await SendAsync(socket, $$$"""{"event":"media","streamSid":"{{{sid}}}","media":{"track":"inbound","payload":"{{{chunk}}}"}}""", cancellationToken);
        }
    }

    private static readonly SemaphoreSlim Sending = new(1, 1);

    private static async Task SendAsync(ClientWebSocket socket, string json, CancellationToken cancellationToken)
    {
        await Sending.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, cancellationToken);
        }
        finally
        {
            Sending.Release();
        }
    }

    private static async Task<string?> ReceiveAsync(ClientWebSocket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }

    /// <summary>μ-law codes of a tone at 8 kHz, 0.3 of full scale (comfortably over a server's speech threshold).</summary>
    public static byte[] Tone(double seconds, double frequency)
    {
        var samples = new short[(int)(seconds * 8000)];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(0.3 * 32767 * Math.Sin(2 * Math.PI * frequency * i / 8000));
        }

        var codes = new byte[samples.Length];
        G711.Encode(samples, codes, G711Law.MuLaw);
        return codes;
    }

    private static byte[] Silence(double seconds) => Enumerable.Repeat((byte)0xFF, (int)(seconds * 8000)).ToArray();

    private static double Rms(List<byte> codes)
    {
        if (codes.Count == 0)
        {
            return 0;
        }

        var samples = new short[codes.Count];
        G711.Decode(codes.ToArray(), samples, G711Law.MuLaw);
        return Math.Sqrt(samples.Average(s => (double)s * s)) / 32768;
    }
}
