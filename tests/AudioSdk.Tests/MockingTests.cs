using AudioSdk.Speech;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests;

public sealed class MockingTests
{
    private sealed class FakeClient : AudioClient
    {
        public override Task<Transcription> TranscribeAsync(AudioInput audio, TranscriptionOptions options, CancellationToken cancellationToken = default) =>
            Task.FromResult(AudioModelFactory.Transcription(
                "mocked",
                language: "en",
                segments: [AudioModelFactory.TranscriptionSegment(0, TimeSpan.Zero, TimeSpan.FromSeconds(1), "mocked")],
                metadata: AudioModelFactory.ResponseMetadata(headers: new Dictionary<string, string> { ["x-request-id"] = "req_mock" })));

        public override SpeechStream StreamSpeechAsync(string input, SpeechOptions options, CancellationToken cancellationToken = default) =>
            SpeechStream.FromChunks([new byte[] { 1, 2 }, new byte[] { 3 }], "audio/pcm");
    }

    [Fact]
    public async Task AClientSubclass_AndTheModelFactory_StandInForTheService()
    {
        AudioClient client = new FakeClient();

        var t = await client.TranscribeAsync(AudioInput.FromBytes(new byte[] { 1 }), new TranscriptionOptions { Model = "m" });
        var bytes = new List<byte>();
        var stream = client.StreamSpeechAsync("hi", new SpeechOptions());
        await foreach (var chunk in stream)
        {
            bytes.AddRange(chunk.ToArray());
        }

        Assert.Equal("mocked", t.Text);
        Assert.Equal("req_mock", t.Metadata.RequestId);
        Assert.Equal(TimeSpan.FromSeconds(1), t.Segments[0].End);
        Assert.Equal([1, 2, 3], bytes);
        Assert.Equal("audio/pcm", stream.ContentType);
    }
}
