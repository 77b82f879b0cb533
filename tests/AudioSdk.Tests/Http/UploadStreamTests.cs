using System.Text;
using AudioSdk.Internal.Http;
using AudioSdk.Speech;

namespace AudioSdk.Tests.Http;

/// <summary>The streams an upload reads from, one by one: what they give, where they stop, and that the caller's stream stays open.</summary>
public sealed class UploadStreamTests
{
    private static byte[] Numbered(int count) => Enumerable.Range(0, count).Select(i => (byte)(i * 7)).ToArray();

    [Fact]
    public async Task ASeekableStream_PositionedPastItsStart_IsReadFromThere_ForEveryRange_AndStaysOpen()
    {
        var bytes = Numbered(10_000);
        var stream = new MemoryStream(bytes) { Position = 1_000 };
        var input = AudioInput.FromStream(stream, "a.wav");

        var access = await input.OpenRandomAccessAsync(CancellationToken.None);
        Assert.Equal(9_000, access.Length);
        Assert.Equal(bytes[1_000..1_100], await access.ReadRangeAsync(0, 100, CancellationToken.None));
        Assert.Equal(bytes[5_000..5_300], await access.ReadRangeAsync(4_000, 300, CancellationToken.None));

        // A range past the end is cut at the end, and one that starts there is empty.
        Assert.Equal(bytes[9_900..], await access.ReadRangeAsync(8_900, 500, CancellationToken.None));
        Assert.Empty(await access.ReadRangeAsync(9_000, 10, CancellationToken.None));

        // Parallel readers each get their own range: seek and read are one step under the lock.
        var ranges = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => access.ReadRangeAsync(i * 250, 250, CancellationToken.None).AsTask()));
        for (var i = 0; i < ranges.Length; i++)
        {
            Assert.Equal(bytes[(1_000 + (i * 250))..(1_250 + (i * 250))], ranges[i]);
        }

        await access.DisposeAsync();
        Assert.True(stream.CanRead);
    }

    [Fact]
    public async Task ASeekableStream_IsSentFromWhereItStood_OnlyItsLength_EvenReadSynchronously()
    {
        var bytes = Numbered(4_000);
        var stream = new MemoryStream();
        stream.Write(bytes);
        stream.Position = 500;
        var prepared = await AudioInput.FromStream(stream, "a.wav").PrepareAsync(CancellationToken.None);
        Assert.Equal(3_500, prepared.Source.Length);
        stream.Seek(0, SeekOrigin.End);
        stream.Write(Numbered(100)); // the stream grows after it was described: the upload does not

        using var upload = await prepared.Source.OpenAsync(CancellationToken.None);
        Assert.False(upload.CanSeek);
        Assert.False(upload.CanWrite);
        Assert.Equal(3_500, upload.Length);
        var read = new byte[5_000];
        var total = 0;
        int n;
        while ((n = upload.Read(read, total, 1_000)) > 0)
        {
            total += n;
            Assert.Equal(total, upload.Position);
        }

        Assert.Equal(3_500, total);
        Assert.Equal(bytes[500..], read[..total]);
        Assert.Equal(0, upload.Read(read, 0, 10));
        Assert.Throws<NotSupportedException>(() => upload.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => upload.Position = 0);

        upload.Dispose();
        Assert.True(stream.CanRead);
    }

    [Fact]
    public async Task AOneShotStream_CannotBeOpenedTwice()
    {
        var source = new OneShotStreamSource(new MemoryStream(Numbered(10)), [1, 2]);
        Assert.False(source.IsReplayable);
        Assert.Null(source.Length);
        using var first = await source.OpenAsync(CancellationToken.None);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () => await source.OpenAsync(CancellationToken.None));
        Assert.Contains("cannot be sent twice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SourcesThatCanBeSentAgain_SayTheirLength()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, Numbered(1_234));
            var file = new FileSource(path, 1_234);
            Assert.True(file.IsReplayable);
            Assert.Equal(1_234, file.Length);
            await using (var s = await file.OpenAsync(CancellationToken.None))
            {
                Assert.True(s.CanRead);
                Assert.Equal(1_234, s.Length);
            }

            Assert.True(new MemorySource(Numbered(3)).IsReplayable);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ASpeechResultStream_SeeksFromEveryOrigin_AndClampsItsPosition()
    {
        var bytes = Numbered(100);
        using var stream = new SpeechResult(bytes, "audio/wav", ResponseMetadata.None).ToStream();
        Assert.True(stream.CanSeek);
        Assert.False(stream.CanWrite);

        Assert.Equal(10, stream.Seek(10, SeekOrigin.Begin));
        Assert.Equal(15, stream.Seek(5, SeekOrigin.Current));
        Assert.Equal(bytes[15], (byte)stream.ReadByte());
        Assert.Equal(90, stream.Seek(-10, SeekOrigin.End));
        var tail = new byte[20];
        Assert.Equal(10, stream.Read(tail, 0, 20));
        Assert.Equal(bytes[90..], tail[..10]);

        stream.Position = 1_000;
        Assert.Equal(100, stream.Position);
        stream.Position = -5;
        Assert.Equal(0, stream.Position);
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
        Assert.Throws<NotSupportedException>(() => stream.SetLength(5));
    }

    [Fact]
    public async Task APartOfACallersStream_EndsAtItsLength_CountsItsPosition_AndLeavesTheStreamOpen()
    {
        var bytes = Numbered(100);
        var caller = new MemoryStream(bytes) { Position = 10 };
        var part = new NonDisposingStream(caller, 20);
        Assert.Equal((20L, 0L, false, true, false), (part.Length, part.Position, part.CanSeek, part.CanRead, part.CanWrite));

        var buffer = new byte[32];
        Assert.Equal(8, part.Read(buffer, 4, 8));
        Assert.Equal(bytes[10..18], buffer[4..12]);
        Assert.Equal(8, part.Position);
        Assert.Equal(12, await part.ReadAsync(buffer.AsMemory(0, 30)));
        Assert.Equal(bytes[18..30], buffer[..12]);
        Assert.Equal(20, part.Position);
        Assert.Equal(0, part.Read(buffer, 0, 8));
        Assert.Equal(0, await part.ReadAsync(buffer));
        Assert.Equal(30, caller.Position);

        Assert.Throws<NotSupportedException>(() => part.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => part.Position = 0);
        Assert.Throws<NotSupportedException>(() => part.Write(buffer, 0, 1));
        part.Flush();
        await part.DisposeAsync();
        Assert.True(caller.CanRead, "The caller's stream was disposed.");
    }

    [Fact]
    public async Task SniffedBytes_ComeFirst_InReadsOfAnySize_ThenTheRestOfTheStream()
    {
        var rest = new MemoryStream([4, 5, 6]);
        var stream = new PrefixedStream([1, 2, 3], rest);
        var buffer = new byte[8];

        Assert.Equal(2, await stream.ReadAsync(buffer, 0, 2));
        Assert.Equal([1, 2], buffer[..2]);
        Assert.Equal(1, stream.Read(buffer, 3, 4));
        Assert.Equal(3, buffer[3]);
        Assert.Equal(2, stream.Read(buffer, 0, 2));
        Assert.Equal([4, 5], buffer[..2]);
        Assert.Equal(1, await stream.ReadAsync(buffer.AsMemory(0, 8)));
        Assert.Equal(6, buffer[0]);
        Assert.Equal(0, await stream.ReadAsync(buffer.AsMemory()));

        Assert.False(stream.CanSeek);
        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Position);
        Assert.Throws<NotSupportedException>(() => stream.Position = 1);
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        stream.Dispose();
        Assert.True(rest.CanRead, "The rest of the caller's stream was disposed.");
    }

    [Fact]
    public async Task QuotedNames_CannotEndTheHeader_QuotesBackslashesAndControlCharactersAreEscaped()
    {
        var audio = new PreparedAudio("a\"b\\c.wav", "audio/wav", new MemorySource(Numbered(4)));
        var body = MultipartBuilder.Create(audio, [new("we\"ird\\na\u0001me\u007f", "v")]);
        var text = Encoding.UTF8.GetString(await body.CreateContent().ReadAsByteArrayAsync());

        Assert.Contains("Content-Disposition: form-data; name=\"we%22ird\\\\na%01me%7F\"\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Content-Disposition: form-data; name=\"file\"; filename=\"a%22b\\\\c.wav\"\r\n", text, StringComparison.Ordinal);
        Assert.Equal(body.Length, Encoding.UTF8.GetByteCount(text));
    }

    [Theory]
    [InlineData("plain ~name.wav", "form-data; name=\"file\"; filename=\"plain ~name.wav\"")]
    [InlineData("azAZ09 ~é.wav", "form-data; name=\"file\"; filename=\"azAZ09 ~_.wav\"; filename*=UTF-8''azAZ09%20~%C3%A9.wav")]
    [InlineData("tab\t\u007f.wav", "form-data; name=\"file\"; filename=\"tab__.wav\"; filename*=UTF-8''tab%09%7F.wav")]
    [InlineData("!#$&+-.^_`|~é", "form-data; name=\"file\"; filename=\"!#$&+-.^_`|~_\"; filename*=UTF-8''!#$&+-.^_`|~%C3%A9")]
    [InlineData("@é\"", "form-data; name=\"file\"; filename=\"@_%22\"; filename*=UTF-8''%40%C3%A9%22")]
    [InlineData("🎵.mp3", "form-data; name=\"file\"; filename=\"_.mp3\"; filename*=UTF-8''%F0%9F%8E%B5.mp3")]
    public void AFileName_IsSentPlain_OrTwice_AsciiAndRfc5987(string fileName, string expected)
    {
        Assert.Equal(expected, MultipartBuilder.FileDisposition(fileName));
    }

    [Fact]
    public async Task AContentTypeWithLineBreaks_CannotAddAHeader()
    {
        var audio = new PreparedAudio("a.wav", "audio/wav\r\nX-Injected: 1", new MemorySource(Numbered(4)));
        var text = Encoding.UTF8.GetString(await MultipartBuilder.Create(audio, []).CreateContent().ReadAsByteArrayAsync());

        Assert.Contains("\r\nContent-Type: audio/wavX-Injected: 1\r\n\r\n", text, StringComparison.Ordinal);
    }
}
