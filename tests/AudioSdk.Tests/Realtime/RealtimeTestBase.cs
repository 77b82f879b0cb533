using AudioSdk.Audio;
using AudioSdk.Realtime;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

public abstract class RealtimeTestBase : ServerTest
{
    protected static RealtimeSessionOptions OpenAI(int inputRate = 16000, int? sessionRate = null) =>
        new() { Dialect = RealtimeDialect.OpenAITranscription, Model = "gpt-4o-transcribe", InputSampleRate = inputRate, SessionSampleRate = sessionRate, ResponseTimeout = TimeSpan.FromSeconds(20) };

    protected static RealtimeSessionOptions Native(int inputRate = 16000) =>
        new() { Dialect = RealtimeDialect.VllmNative, Model = "voxtral-mini-4b-realtime", InputSampleRate = inputRate, ResponseTimeout = TimeSpan.FromSeconds(20) };

    /// <summary>PCM16 mono bytes of a tone.</summary>
    protected static byte[] Tone(double seconds, double frequency = 440, int rate = 16000) => TestAudio.TonePcm16(seconds, frequency, rate);

    protected static async Task<List<RealtimeEvent>> ReadUntilAsync(RealtimeSession session, Func<RealtimeEvent, bool> last, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        var events = new List<RealtimeEvent>();
        await foreach (var e in session.ReadEventsAsync(cts.Token))
        {
            events.Add(e);
            if (last(e))
            {
                break;
            }
        }

        return events;
    }

    protected ReceivedRealtimeSession Connection(int index = 0) => Server.RealtimeSessions[index];
}
