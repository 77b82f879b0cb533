using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using AudioSdk.Realtime;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests.Realtime;

/// <summary>
/// 100,000 mutated server messages (50,000 per dialect, in batches of 1,000) through real sockets: no session ends,
/// and the well-formed transcript after each batch still arrives (awaited by item id where the dialect has them).
/// </summary>
public sealed class RealtimeFuzzTests
{
    private const int Batches = 50;
    private const int PerBatch = 1_000;
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(RealtimeDialect.OpenAITranscription, 90_001)]
    [InlineData(RealtimeDialect.VllmNative, 90_002)]
    public async Task MutatedServerMessages_NeverEndASession_AndLaterTranscriptsStillArrive(RealtimeDialect dialect, int seed)
    {
        var mutator = new ServerMessageMutator(seed, dialect);
        var sent = 0;
        await using var server = RawWebSocketServer.Start(async c =>
        {
            await RealtimeFaultMatrixTests.HandshakeAsync(c, dialect);
            for (var batch = 0; batch < Batches; batch++)
            {
                if (await c.ReadUntilAsync("input_audio_buffer.append") is null)
                {
                    return;
                }

                var frames = mutator.Next(PerBatch).ToList();
                Interlocked.Add(ref sent, frames.Count);
                frames.Add((1, Encoding.UTF8.GetBytes(WellFormed(dialect, batch))));
                await c.SendFramesAsync(frames);
            }

            while (await c.ReadFrameAsync() is { Opcode: not 8 })
            {
            }
        });
        using var client = RealtimeFaultMatrixTests.Client(server);
        await using var rt = await client.StartRealtimeSessionAsync(RealtimeFaultMatrixTests.Options(dialect) with { InputSampleRate = 16000, ChunkDuration = TimeSpan.FromMilliseconds(20) });
        var marks = new ConcurrentDictionary<int, TaskCompletionSource>();
        TaskCompletionSource Mark(int batch) => marks.GetOrAdd(batch, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var counts = new ConcurrentDictionary<Type, int>();
        var reader = Task.Run(async () =>
        {
            await foreach (var e in rt.ReadEventsAsync())
            {
                counts.AddOrUpdate(e.GetType(), 1, (_, n) => n + 1);
                if (e is TranscriptCompleted { Transcript: { } text } && text.StartsWith("well-formed ", StringComparison.Ordinal))
                {
                    Mark(int.Parse(text["well-formed ".Length..], CultureInfo.InvariantCulture)).TrySetResult();
                }
            }
        });

        for (var batch = 0; batch < Batches; batch++)
        {
            var byItem = dialect == RealtimeDialect.OpenAITranscription ? rt.WaitForTranscriptAsync(ItemId(batch)) : null;
            await rt.SendAudioAsync(new byte[640]);
            if (await Task.WhenAny(Mark(batch).Task, Task.Delay(Guard)) != Mark(batch).Task)
            {
                Assert.Fail($"Batch {batch} never completed; server errors: {string.Join("; ", server.Errors)}; events: {string.Join(", ", counts.Select(p => p.Key.Name + "=" + p.Value))}");
            }
            if (byItem is not null)
            {
                Assert.Equal("well-formed " + batch.ToString(CultureInfo.InvariantCulture), (await byItem.WaitAsync(Guard)).Transcript);
            }
        }

        Assert.Equal(Batches * PerBatch, Volatile.Read(ref sent));
        Assert.False(counts.ContainsKey(typeof(Closed)), "a server message ended the session");
        Assert.True(counts.GetValueOrDefault(typeof(UnknownMessage)) > PerBatch, "the generator should produce many unreadable messages");
        Assert.True(counts.GetValueOrDefault(typeof(TranscriptDelta)) > 0 && counts.GetValueOrDefault(typeof(ServerError)) > 0);
        Assert.Empty(server.Errors);
        await rt.DisposeAsync();
        await reader.WaitAsync(Guard);
        Assert.Equal(1, counts[typeof(Closed)]);
    }

    private static string ItemId(int batch) => "fuzz_" + batch.ToString("D3", CultureInfo.InvariantCulture);

    private static string WellFormed(RealtimeDialect dialect, int batch)
    {
        var text = "well-formed " + batch.ToString(CultureInfo.InvariantCulture);
        return dialect == RealtimeDialect.VllmNative
            ? $$"""{"type":"transcription.done","text":"{{text}}","usage":null}"""
            : $$"""{"type":"conversation.item.input_audio_transcription.completed","event_id":"ok_{{batch}}","item_id":"{{ItemId(batch)}}","content_index":0,"transcript":"{{text}}","usage":{"type":"duration","seconds":0.02} }""";
    }
}
