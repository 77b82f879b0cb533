using System.Security.Cryptography;
using System.Text;
using AudioSdk.Security;
using AudioSdk.Security.Ehbp;
using AudioSdk.Speech;
using AudioSdk.Tests.Infrastructure;
using AudioSdk.Transcriptions;

namespace AudioSdk.Tests.Security.Ehbp;

/// <summary>The rules of the EHBP spec, each against a raw socket origin that answers byte for byte as the test says.</summary>
public sealed class EhbpRuleTests
{
    private const string Json = "application/json";
    private static readonly SpeechOptions Speech = new() { Model = "tts-1", Voice = "alloy", ResponseFormat = SpeechFormat.Pcm };
    private static readonly TranscriptionOptions Transcription = new() { Model = "whisper-1" };

    private static AudioInput Wav() => AudioInput.FromBytes(TestAudio.SineWav(0.25), "a.wav");

    [Fact]
    public async Task SealedExchange_SendsNoPlaintext_AndOpensTheAnswer()
    {
        await using var origin = new RawEhbpOrigin(x => x.AnswerSealedAsync("audio/pcm", "AUDIO-FRAME-ONE;", "AUDIO-FRAME-TWO"));
        using var client = origin.Client();

        var result = await client.GenerateSpeechAsync("secret words to speak", Speech);

        Assert.Equal("AUDIO-FRAME-ONE;AUDIO-FRAME-TWO", Encoding.UTF8.GetString(result.Audio.Span));
        var exchange = Assert.Single(origin.Exchanges);
        Assert.Contains("secret words to speak", exchange.PlaintextText);
        Assert.DoesNotContain("secret words"u8.ToArray(), [.. Windows(exchange.SealedBody, 12)], ByteComparer.Instance);
        Assert.Matches("^[0-9a-f]{64}$", exchange.Raw.Request.Headers[EhbpProtocol.EncapsulatedKeyHeader]);
        Assert.Equal("chunked", exchange.Raw.Request.Headers["Transfer-Encoding"]);
        Assert.Equal(1, origin.KeyConfigRequests);
    }

    [Fact]
    public async Task MultipartUpload_IsSealedInFrames_AndTheFileArrivesWhole()
    {
        var audio = new byte[200_000];
        new Random(7).NextBytes(audio);
        await using var origin = new RawEhbpOrigin(x => x.AnswerSealedAsync(Json, """{"text":"he""", """llo"}"""));
        using var client = origin.Client();

        var result = await client.TranscribeAsync(AudioInput.FromStream(new ForwardOnlyStream(new MemoryStream(audio)), "a.wav", "audio/wav"), Transcription);

        Assert.Equal("hello", result.Text);
        var exchange = Assert.Single(origin.Exchanges);
        Assert.NotNull(exchange.Plaintext);
        Assert.True(exchange.Plaintext!.AsSpan().IndexOf(audio) >= 0, "the uploaded file is inside the opened multipart body");
        Assert.True(exchange.SealedBody.AsSpan().IndexOf(audio.AsSpan(0, 64)) < 0, "no audio in the clear");
        var frames = FrameLengths(exchange.SealedBody);
        Assert.Equal(exchange.Plaintext.Length + (20 * frames.Count), exchange.SealedBody.Length);
        Assert.All(frames, f => Assert.InRange(f, Hpke.TagLength + 1, EhbpProtocol.RequestFramePlaintext + Hpke.TagLength));

        // The multipart head goes out as its own short frame, then the file's 64 KiB blocks as whole frames, sealed in place.
        Assert.Equal(audio.Length / EhbpProtocol.RequestFramePlaintext, frames.Count(f => f == EhbpProtocol.RequestFramePlaintext + Hpke.TagLength));
        Assert.True(frames[0] < 1024, $"the first frame holds the multipart head only ({frames[0]} bytes)");
    }

    [Fact]
    public async Task AnUploadOfWholeFrames_HasNoEmptyFrame_AndFewFrames()
    {
        var audio = new byte[EhbpProtocol.RequestFramePlaintext * 3];
        new Random(11).NextBytes(audio);
        await using var origin = new RawEhbpOrigin(x => x.AnswerSealedAsync(Json, """{"text":"ok"}"""));
        using var client = origin.Client();

        await client.TranscribeAsync(AudioInput.FromStream(new ForwardOnlyStream(new MemoryStream(audio)), "a.wav", "audio/wav"), Transcription);

        var exchange = Assert.Single(origin.Exchanges);
        Assert.True(exchange.Plaintext!.AsSpan().IndexOf(audio) >= 0);
        var frames = FrameLengths(exchange.SealedBody);
        Assert.Equal(exchange.Plaintext!.Length + (20 * frames.Count), exchange.SealedBody.Length);
        Assert.All(frames, f => Assert.InRange(f, Hpke.TagLength + 1, EhbpProtocol.RequestFramePlaintext + Hpke.TagLength));

        // Head, the file (its first read may be short: the format is sniffed from it), tail: no frame is gathered twice.
        Assert.True(frames.Count(f => f == EhbpProtocol.RequestFramePlaintext + Hpke.TagLength) >= 2, string.Join(",", frames));
        Assert.InRange(frames.Count, 4, 7);
    }

    /// <summary>The ciphertext length of each frame of a sealed body.</summary>
    private static List<int> FrameLengths(byte[] sealedBody)
    {
        var lengths = new List<int>();
        for (var at = 0; at < sealedBody.Length;)
        {
            var length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(sealedBody.AsSpan(at));
            lengths.Add(length);
            at += EhbpProtocol.FramePrefixLength + length;
        }

        return lengths;
    }

    [Fact]
    public async Task SuccessWithoutNonce_Fails_AndTheBodyIsNeverData()
    {
        await using var origin = new RawEhbpOrigin(x => x.AnswerAsync(200, Json, Encoding.UTF8.GetBytes("""{"text":"FORGED-TRANSCRIPT"}"""), nonce: null));
        using var client = origin.Client();

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => client.TranscribeAsync(Wav(), Transcription));

        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
        Assert.Contains(EhbpProtocol.ResponseNonceHeader, ex.Message);
        Assert.DoesNotContain("FORGED-TRANSCRIPT", ex.ToString());
        Assert.Null(ex.RawBody);
    }

    [Fact]
    public async Task ErrorWithoutNonce_ReachesTheCaller_AsUnauthenticated()
    {
        await using var origin = new RawEhbpOrigin(x => x.AnswerAsync(429, Json, Encoding.UTF8.GetBytes("""{"error":{"message":"slow down","type":"rate_limit","code":"rate_limit_exceeded"}}"""), nonce: null));
        using var client = origin.Client();

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => client.GenerateSpeechAsync("hi", Speech));

        Assert.Equal(429, (int)ex.Status);
        Assert.Equal("rate_limit_exceeded", ex.Code);
        Assert.Equal("req_raw", ex.RequestId);
        Assert.StartsWith("Unauthenticated error", ex.Message);
        Assert.Contains("slow down", ex.Message);
    }

    [Fact]
    public async Task ErrorWithNonce_IsOpened_AndNotCalledUnauthenticated()
    {
        await using var origin = new RawEhbpOrigin(x =>
        {
            var nonce = RandomNumberGenerator.GetBytes(32);
            var body = x.SealFrames(nonce, Encoding.UTF8.GetBytes("""{"error":{"message":"bad file","type":"invalid_request_error","code":"invalid_file"}}""")).SelectMany(f => f).ToArray();
            return x.AnswerAsync(400, Json, body, nonce);
        });
        using var client = origin.Client();

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => client.TranscribeAsync(Wav(), Transcription));

        Assert.Equal(400, (int)ex.Status);
        Assert.Equal("invalid_file", ex.Code);
        Assert.DoesNotContain("Unauthenticated", ex.Message);
    }

    [Fact]
    public async Task KeyConfigMismatch_ReattestsAndResendsOnce_WhenTheBodyReplays()
    {
        RawEhbpOrigin origin = null!;
        origin = new RawEhbpOrigin(x => x.Raw.Attempt == 2
            ? x.AnswerAsync(422, "application/problem+json; charset=utf-8", Encoding.UTF8.GetBytes("""{"type":"urn:ietf:params:ehbp:error:key-config","title":"key"}"""), nonce: null)
            : x.AnswerSealedAsync(Json, """{"text":"second time"}"""));
        await using var _ = origin;
        var attestor = new CountingAttestor(origin.PublicKey);
        using var client = origin.Client(attestor);

        var result = await client.TranscribeAsync(Wav(), Transcription);

        Assert.Equal("second time", result.Text);
        Assert.Equal(2, origin.Exchanges.Count);
        Assert.Equal(2, attestor.Calls);
        Assert.True(attestor.Forced, "the second attestation is forced");
        var encs = origin.Exchanges.Select(e => Convert.ToHexString(e.Enc!)).ToArray();
        Assert.NotEqual(encs[0], encs[1]);
    }

    [Fact]
    public async Task KeyConfigMismatch_FailsClearly_WhenTheBodyCannotReplay()
    {
        await using var origin = new RawEhbpOrigin(x => x.AnswerAsync(422, "application/problem+json", Encoding.UTF8.GetBytes("""{"type":"urn:ietf:params:ehbp:error:key-config"}"""), nonce: null));
        using var client = origin.Client();

        var ex = await Assert.ThrowsAsync<AttestationException>(() => client.TranscribeAsync(AudioInput.FromStream(new ForwardOnlyStream(new MemoryStream(TestAudio.SineWav(0.2))), "a.wav"), Transcription));

        Assert.Equal(AttestationStage.Binding, ex.Stage);
        Assert.Equal(EhbpHttpHandler.KeyConfigMismatchCode, ex.Code);
        Assert.Contains("cannot be read twice", ex.Message);
        Assert.Single(origin.Exchanges);
    }

    [Fact]
    public async Task Plain422_IsAnOrdinaryUnauthenticatedError()
    {
        await using var origin = new RawEhbpOrigin(x => x.AnswerAsync(422, Json, Encoding.UTF8.GetBytes("""{"error":{"message":"no","code":"bad"}}"""), nonce: null));
        using var client = origin.Client();

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => client.TranscribeAsync(Wav(), Transcription));

        Assert.Equal(422, (int)ex.Status);
        Assert.StartsWith("Unauthenticated error", ex.Message);
        Assert.Single(origin.Exchanges);
    }

    public static TheoryData<string> Tamperings => ["flip", "truncate-inside", "truncate-prefix", "reorder", "huge-length", "short-frame", "bad-nonce", "wrong-nonce"];

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task TamperedAnswer_IsInvalidResponse_NeverShorterData(string tampering)
    {
        await using var origin = new RawEhbpOrigin(x =>
        {
            var nonce = RandomNumberGenerator.GetBytes(32);
            var frames = x.SealFrames(nonce, Encoding.UTF8.GetBytes("""{"text":"FIRST-"""), Encoding.UTF8.GetBytes("""HALF"}"""));
            byte[] body = tampering switch
            {
                "flip" => Flip(frames),
                "truncate-inside" => [.. frames[0], .. frames[1][..^3]],
                "truncate-prefix" => [.. frames[0], .. frames[1][..2]],
                "reorder" => [.. frames[1], .. frames[0]],
                "huge-length" => [.. frames[0], 0xFF, 0xFF, 0xFF, 0xF0, 1, 2, 3],
                "short-frame" => [.. frames[0], 0, 0, 0, 5, 1, 2, 3, 4, 5],
                _ => [.. frames[0], .. frames[1]],
            };
            var sentNonce = tampering == "wrong-nonce" ? RandomNumberGenerator.GetBytes(32) : nonce;
            return tampering == "bad-nonce"
                ? x.AnswerAsync(200, Json, body, null, EhbpProtocol.ResponseNonceHeader + ": abcd")
                : x.AnswerAsync(200, Json, body, sentNonce);
        });
        using var client = origin.Client();

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => client.TranscribeAsync(Wav(), Transcription));

        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
        Assert.Contains("EHBP", ex.Message);
        if (tampering == "huge-length")
        {
            Assert.Contains("more than the", ex.Message);
        }

        static byte[] Flip(byte[][] frames)
        {
            var copy = frames.SelectMany(f => f).ToArray();
            copy[frames[0].Length + 6] ^= 0x01;
            return copy;
        }
    }

    [Fact]
    public async Task StreamedSpeech_GivesOnlyAuthenticatedFrames_ThenFails()
    {
        await using var origin = new RawEhbpOrigin(x =>
        {
            var nonce = RandomNumberGenerator.GetBytes(32);
            var frames = x.SealFrames(nonce, Encoding.UTF8.GetBytes("GOOD-AUDIO"), Encoding.UTF8.GetBytes("EVIL-AUDIO"));
            frames[1][^1] ^= 0x80; // the second frame's tag
            return x.AnswerAsync(200, "audio/pcm", frames.SelectMany(f => f).ToArray(), nonce);
        });
        using var client = origin.Client();
        var received = new MemoryStream();

        var ex = await Assert.ThrowsAsync<AudioServiceException>(async () =>
        {
            await foreach (var chunk in client.StreamSpeechAsync("hi", Speech))
            {
                received.Write(chunk.Span);
            }
        });

        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
        Assert.Equal("GOOD-AUDIO", Encoding.UTF8.GetString(received.ToArray()));
    }

    [Fact]
    public async Task CutAtAFrameBoundary_InJson_IsCaughtByTheContent()
    {
        await using var origin = new RawEhbpOrigin(x =>
        {
            var nonce = RandomNumberGenerator.GetBytes(32);
            var frames = x.SealFrames(nonce, Encoding.UTF8.GetBytes("""{"text":"the whole """), Encoding.UTF8.GetBytes("""transcript"}"""));
            return x.AnswerAsync(200, Json, frames[0], nonce); // a clean cut after frame 0
        });
        using var client = origin.Client();

        var ex = await Assert.ThrowsAsync<AudioServiceException>(() => client.TranscribeAsync(Wav(), Transcription));

        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
    }

    [Fact]
    public async Task CutAtAFrameBoundary_InAnEventStream_BeforeDone_IsCaught()
    {
        await using var origin = new RawEhbpOrigin(x => x.AnswerSealedAsync(
            "text/event-stream",
            "data: {\"type\":\"transcript.text.delta\",\"delta\":\"Hel\"}\n\n",
            "data: {\"type\":\"transcript.text.delta\",\"delta\":\"lo\"}\n\n"));
        using var client = origin.Client();
        var deltas = new List<string>();

        var ex = await Assert.ThrowsAsync<AudioServiceException>(async () =>
        {
            await foreach (var update in client.TranscribeStreamingAsync(Wav(), new TranscriptionOptions { Model = "gpt-4o-transcribe" }))
            {
                deltas.Add(update.Delta ?? string.Empty);
            }
        });

        Assert.Equal(AudioErrorCodes.InvalidResponse, ex.Code);
        Assert.Equal(["Hel", "lo"], deltas);
    }

    [Fact]
    public async Task EventStream_SplitAcrossFrames_ReachesDone()
    {
        await using var origin = new RawEhbpOrigin(x => x.AnswerSealedAsync(
            "text/event-stream",
            "data: {\"type\":\"transcript.text.delta\",\"del",
            "ta\":\"Hi\"}\n\ndata: {\"type\":\"transcript.text.done\",\"text\":\"Hi\"}\n\n"));
        using var client = origin.Client();

        var updates = new List<TranscriptionUpdate>();
        await foreach (var update in client.TranscribeStreamingAsync(Wav(), new TranscriptionOptions { Model = "gpt-4o-transcribe" }))
        {
            updates.Add(update);
        }

        Assert.Equal("Hi", updates[0].Delta);
        Assert.Equal("Hi", updates[^1].Text);
    }

    [Fact]
    public async Task BodylessRequest_StaysPlaintext()
    {
        await using var origin = new RawEhbpOrigin(x => x.AnswerAsync(200, Json, Encoding.UTF8.GetBytes("""{"object":"list","data":[{"id":"whisper-1","object":"model"}]}"""), nonce: null));
        using var client = origin.Client();

        var models = await client.ListModelsAsync();

        Assert.Equal("whisper-1", Assert.Single(models).Id);
        var exchange = Assert.Single(origin.Exchanges);
        Assert.False(exchange.Raw.Request.Headers.ContainsKey(EhbpProtocol.EncapsulatedKeyHeader));
        Assert.Equal(0, origin.KeyConfigRequests);
    }

    [Fact]
    public async Task ServedKeyOtherThanTheAttestedOne_IsRefused_BeforeAnyBodyLeaves()
    {
        var (_, impostor) = Hpke.GenerateKeyPair();
        await using var origin = new RawEhbpOrigin(x => x.AnswerSealedAsync(Json, """{"text":"x"}"""), servedKey: impostor);
        using var client = origin.Client();

        var ex = await Assert.ThrowsAsync<AttestationException>(() => client.TranscribeAsync(Wav(), Transcription));

        Assert.Equal(AttestationStage.Binding, ex.Stage);
        Assert.Equal(EhbpHttpHandler.KeyBindingMismatchCode, ex.Code);
        Assert.Empty(origin.Exchanges);
        Assert.All(origin.Server.Requests, r => Assert.Equal(EhbpProtocol.KeyConfigPath, r.Target));
    }

    [Fact]
    public async Task RequestsToAnotherAuthority_AreRefused()
    {
        await using var origin = new RawEhbpOrigin(x => x.AnswerSealedAsync(Json, "{}"));
        using var handler = new EhbpHttpHandler(origin.Endpoint, RawEhbpOrigin.Attestor(origin.PublicKey), new SocketsHttpHandler(), null, TimeProvider.System);
        using var invoker = new HttpMessageInvoker(handler);

        var ex = await Assert.ThrowsAsync<AttestationException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.2:1/v1/x") { Content = new StringContent("{}") }, default));

        Assert.Equal(AttestationStage.Authority, ex.Stage);
        Assert.Empty(origin.Server.Requests);
    }

    private static IEnumerable<byte[]> Windows(byte[] data, int size)
    {
        for (var i = 0; i + size <= data.Length; i++)
        {
            yield return data[i..(i + size)];
        }
    }

    private sealed class ByteComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length;
    }

    private sealed class CountingAttestor(byte[] key) : IEndpointAttestor
    {
        public int Calls { get; private set; }

        public bool Forced { get; private set; }

        public ValueTask<AttestedEndpoint> AttestAsync(Uri endpoint, bool forceRefresh, CancellationToken cancellationToken)
        {
            Calls++;
            Forced |= forceRefresh;
            return new(new AttestedEndpoint(endpoint.Authority, [TlsPin.FromBytes(new byte[32])], key));
        }
    }
}
