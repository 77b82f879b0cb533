using System.Runtime.CompilerServices;
using System.Text;
using AudioSdk.Extensions.AI;
using AudioSdk.Speech;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace AudioSdk.Tests.Extensions;

/// <summary>
/// The composed voice agent over the test server (real sockets) and a scripted chat client: the transcript goes to the
/// chat, sentences are spoken in order as they complete, synthesis overlaps the chat stream, history carries over,
/// barge-in stops every stage, failures keep their types.
/// </summary>
public sealed class VoiceAgentTests : ServerTest
{
    private static readonly SpeechOptions Speech = new() { Model = "gpt-4o-mini-tts", Voice = SpeechVoice.Alloy, ResponseFormat = SpeechFormat.Pcm };

    [Fact]
    public async Task ATurnFromAudio_IsTranscribed_Answered_AndSpokenSentenceBySentence()
    {
        var chat = new ScriptedChat("Sure thing. The meeting is at ten. Dr. Lee will join, e.g. by phone! Anything else?");
        var agent = new VoiceAgent(Client, chat, new VoiceAgentOptions { Speech = Speech, Instructions = "Be brief." });
        var wav = TestAudio.SineWav(1.0, 16000, 440);

        var chunks = new List<VoiceAgentChunk>();
        await foreach (var chunk in agent.RespondAsync(AudioInput.FromBytes(wav, "turn.wav")))
        {
            chunks.Add(chunk);
        }

        var direct = await Client.TranscribeToTextAsync(AudioInput.FromBytes(wav, "turn.wav"), new AudioSdk.Transcriptions.TranscriptionOptions { Model = "gpt-4o-mini-transcribe" });
        Assert.False(string.IsNullOrWhiteSpace(agent.LastTranscript));
        Assert.Equal(direct.Text, agent.LastTranscript);
        Assert.Equal(agent.LastTranscript, chat.Requests[0][^1].Text);
        Assert.Equal(ChatRole.System, chat.Requests[0][0].Role);
        string[] expected = ["Sure thing.", "The meeting is at ten.", "Dr. Lee will join, e.g. by phone!", "Anything else?"];
        Assert.Equal(expected, chunks.Select(c => c.Sentence).Distinct());
        Assert.Equal([0, 1, 2, 3], chunks.Select(c => c.SentenceIndex).Distinct());
        Assert.True(chunks.Zip(chunks.Skip(1)).All(p => p.First.SentenceIndex <= p.Second.SentenceIndex), "audio in sentence order");
        foreach (var (sentence, index) in expected.Select((s, i) => (s, i)))
        {
            var spoken = chunks.Where(c => c.SentenceIndex == index).SelectMany(c => c.Audio.ToArray()).ToArray();
            var reference = await Client.GenerateSpeechAsync(sentence, Speech);
            Assert.Equal(reference.Audio.ToArray(), spoken);
            Assert.True(chunks.First(c => c.SentenceIndex == index).IsFirstOfSentence);
        }

        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant], agent.History.Select(m => m.Role));
        Assert.Equal(string.Join(" ", expected), agent.History[^1].Text);
    }

    [Fact]
    public async Task SpeechOfTheFirstSentence_ComesBeforeTheChatHasFinished()
    {
        // The chat client writes one sentence, then waits until the agent has produced audio: a sequential agent would hang.
        var firstAudio = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var chat = new ScriptedChat("Hello there. ", "And more after the audio.") { Gate = firstAudio.Task };
        var agent = new VoiceAgent(Client, chat, new VoiceAgentOptions { Speech = Speech });

        var sentences = new List<string>();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await foreach (var chunk in agent.RespondToTextAsync("hi", guard.Token))
        {
            firstAudio.TrySetResult();
            sentences.Add(chunk.Sentence);
        }

        // The chat could only finish once audio had come out: finishing at all (within the guard) proves the overlap.
        Assert.Equal(["Hello there.", "And more after the audio."], sentences.Distinct());
        Assert.NotNull(chat.GateWasOpenWhenReached);
    }

    [Fact]
    public async Task History_CarriesIntoTheNextTurn()
    {
        var chat = new ScriptedChat("First answer.");
        var agent = new VoiceAgent(Client, chat, new VoiceAgentOptions { Speech = Speech });
        await foreach (var _ in agent.RespondToTextAsync("one"))
        {
        }

        chat.Answers.Enqueue(["Second answer."]);
        await foreach (var _ in agent.RespondToTextAsync("two"))
        {
        }

        Assert.Equal(["one", "First answer.", "two"], chat.Requests[1].Select(m => m.Text));
        Assert.Equal(4, agent.History.Count);
    }

    [Fact]
    public async Task BargeIn_StopsTheChatAndTheSpeech_AndTheHistoryKeepsWhatWasHeard()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var chat = new ScriptedChat("Heard sentence one. ", "Never heard two. Never three.") { Gate = release.Task };
        var agent = new VoiceAgent(Client, chat, new VoiceAgentOptions { Speech = Speech });
        using var bargeIn = new CancellationTokenSource();

        var got = new List<VoiceAgentChunk>();
        var stopped = await Record.ExceptionAsync(async () =>
        {
            await foreach (var chunk in agent.RespondToTextAsync("talk", bargeIn.Token))
            {
                got.Add(chunk);
                if (chunk.SentenceIndex == 0)
                {
                    bargeIn.Cancel();
                }
            }
        });

        Assert.IsAssignableFrom<OperationCanceledException>(stopped);
        Assert.True(chat.GateWasOpenWhenReached == false, $"gate state {chat.GateWasOpenWhenReached}, requests {chat.Requests.Count}, got {got.Count}");
        Assert.True(await chat.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10)), "the chat stream saw the cancellation");
        Assert.All(got, c => Assert.Equal(0, c.SentenceIndex));
        Assert.Equal([ChatRole.User], agent.History.Select(m => m.Role));
        Assert.Equal("talk", agent.History[^1].Text);
        await Poll.UntilAsync(() => Server.ActiveResponses == 0);
    }

    [Fact]
    public async Task ASpeechFailure_SurfacesWithItsStatus()
    {
        Server.Enqueue(new ScriptedResponse { PathSuffix = "/audio/speech", Status = 500, Body = "{\"error\":{\"message\":\"speech backend down\",\"type\":\"server_error\",\"code\":\"server_error\"}}" });
        var agent = new VoiceAgent(Client, new ScriptedChat("One sentence."), new VoiceAgentOptions { Speech = Speech });
        var ex = await Assert.ThrowsAsync<AudioServiceException>(async () =>
        {
            await foreach (var _ in agent.RespondToTextAsync("hi"))
            {
            }
        });
        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, ex.Status);
    }

    [Fact]
    public void Options_AreCheckedAllAtOnce()
    {
        var ex = Assert.Throws<ArgumentException>(() => new VoiceAgent(Client, new ScriptedChat("x"), new VoiceAgentOptions { Speech = new SpeechOptions(), MaxSentencesAhead = 0 }));
        Assert.Contains("Speech.Model", ex.Message);
        Assert.Contains("MaxSentencesAhead", ex.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Sentences_DoNotDependOnHowTheTextWasTokenized(int seed)
    {
        const string text = "It costs 3.14 dollars. Mr. Smith met J. Doe at 5 p.m. today! Really?! \"Yes,\" she said... and left. 今日は晴れ。明日は雨？ Done";
        var whole = Split(text, [text]);
        Assert.Equal(["It costs 3.14 dollars.", "Mr. Smith met J. Doe at 5 p.m. today!", "Really?!", "\"Yes,\" she said... and left.", "今日は晴れ。", "明日は雨？", "Done"], whole);
        var random = new Random(seed);
        for (var round = 0; round < 200; round++)
        {
            var tokens = new List<string>();
            for (var i = 0; i < text.Length;)
            {
                var n = Math.Min(text.Length - i, random.Next(1, 6));
                tokens.Add(text.Substring(i, n));
                i += n;
            }

            Assert.Equal(whole, Split(text, tokens));
        }
    }

    [Fact]
    public void ALongSentenceWithoutAPeriod_IsCutAtAClause()
    {
        var text = string.Join(", ", Enumerable.Repeat("and then another clause follows", 20));
        var parts = Split(text, text.Select(c => c.ToString()));
        Assert.True(parts.Count > 1);
        Assert.All(parts.SkipLast(1), p => Assert.True(p.Length <= 200 && p.EndsWith(',')));
        Assert.Equal(text, string.Join(" ", parts));
    }

    [Fact]
    public async Task AnAnswerWithoutPunctuation_IsSpokenInPieces_NoneOverTheLimit()
    {
        var text = Unpunctuated(10_000);
        var agent = new VoiceAgent(Client, new ScriptedChat(text), new VoiceAgentOptions { Speech = Speech });

        var chunks = new List<VoiceAgentChunk>();
        await foreach (var chunk in agent.RespondToTextAsync("talk"))
        {
            chunks.Add(chunk);
        }

        var sentences = SentencesOf(chunks);
        Assert.True(sentences.Count >= 10_000 / 200, $"{sentences.Count} pieces");
        Assert.All(sentences, s => Assert.InRange(s.Length, 1, 200));
        Assert.All(sentences, s => Assert.False(char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1]), "pieces are cut at spaces, trimmed"));
        Assert.Equal(text, string.Join(" ", sentences));
        Assert.True(chunks.Sum(c => c.Audio.Length) > 0);
    }

    [Fact]
    public async Task TheFirstAudioOfALongUnpunctuatedAnswer_ComesBeforeTheAnswerHasArrived()
    {
        // The chat streams 1,500 characters without punctuation, then holds its last words until the agent has produced
        // audio (or a fallback delay, so that a splitter that waits for the whole answer fails the ordering, not a timeout).
        var events = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var firstAudio = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var chat = new ScriptedChat(Unpunctuated(1_500) + " ", "and that is all")
        {
            Gate = Task.WhenAny(firstAudio.Task, Task.Delay(TimeSpan.FromSeconds(10))),
            Events = events,
        };
        var agent = new VoiceAgent(Client, chat, new VoiceAgentOptions { Speech = Speech });

        var sentences = new List<string>();
        await foreach (var chunk in agent.RespondToTextAsync("talk"))
        {
            events.Enqueue("audio");
            firstAudio.TrySetResult();
            sentences.Add(chunk.Sentence);
        }

        var order = events.ToList();
        Assert.Contains("chat finished", order);
        Assert.True(order.IndexOf("audio") < order.IndexOf("chat finished"), string.Join(", ", order.Distinct()));
        Assert.All(sentences.Distinct(), s => Assert.InRange(s.Length, 1, 200));
    }

    [Fact]
    public async Task FullWidthCommas_AreCutPoints_ForALongSentence()
    {
        // 1,203 characters of Chinese clauses and no full stop: every request stays within MaxSentenceLength.
        var clause = "今天我们讨论了项目的进度和下一步的计划";
        var text = string.Concat(Enumerable.Repeat(clause + "，", 60)) + "好的";
        Assert.Equal(1_202, text.Length);
        var agent = new VoiceAgent(Client, new ScriptedChat(text), new VoiceAgentOptions { Speech = Speech });

        var chunks = new List<VoiceAgentChunk>();
        await foreach (var chunk in agent.RespondToTextAsync("进度"))
        {
            chunks.Add(chunk);
        }

        var sentences = SentencesOf(chunks);
        Assert.True(sentences.Count >= 6, $"{sentences.Count} pieces");
        Assert.All(sentences, s => Assert.InRange(s.Length, 1, 200));
        Assert.All(sentences.SkipLast(1), s => Assert.EndsWith("，", s, StringComparison.Ordinal));
        Assert.Equal(text, string.Concat(sentences));
    }

    [Theory]
    [InlineData("كيف حالك اليوم؟ أنا بخير والحمد لله.", "كيف حالك اليوم؟", "أنا بخير والحمد لله.")]
    [InlineData("आप कैसे हैं। मैं ठीक हूँ।", "आप कैसे हैं।", "मैं ठीक हूँ।")]
    [InlineData("ሰላም ነው። ደህና ነኝ።", "ሰላም ነው።", "ደህና ነኝ።")]
    [InlineData("Բարև ձեզ։ Ես լավ եմ։", "Բարև ձեզ։", "Ես լավ եմ։")]
    public async Task OtherScriptsSentenceTerminals_EndSentences(string answer, string first, string second)
    {
        var agent = new VoiceAgent(Client, new ScriptedChat(answer), new VoiceAgentOptions { Speech = Speech });

        var sentences = new List<string>();
        await foreach (var chunk in agent.RespondToTextAsync("hi"))
        {
            sentences.Add(chunk.Sentence);
        }

        Assert.Equal([first, second], sentences.Distinct());
    }

    [Fact]
    public void TextWithoutSpaces_IsCutAtTheLimit_NeverInsideASurrogatePairOrAGrapheme()
    {
        // Thai-like run without spaces, with emoji (surrogate pairs), a family emoji (ZWJ sequence) and combining accents.
        var unit = "กขค😀e\u0301👨\u200D👩\u200D👧ง";
        var text = string.Concat(Enumerable.Repeat(unit, 120));
        for (var seed = 0; seed < 5; seed++)
        {
            var random = new Random(seed);
            var tokens = new List<string>();
            for (var i = 0; i < text.Length;)
            {
                var n = Math.Min(text.Length - i, random.Next(1, 9));
                tokens.Add(text.Substring(i, n));
                i += n;
            }

            var parts = Split(tokens, 40);
            Assert.Equal(text, string.Concat(parts));
            Assert.All(parts, p => Assert.InRange(p.Length, 1, 40));
            Assert.All(parts, p => Assert.False(char.IsHighSurrogate(p[^1]) || char.IsLowSurrogate(p[0])));
            Assert.All(parts, p => Assert.False(p[0] is '\u0301' or '\u200D' || p[^1] == '\u200D', $"grapheme split: {p}"));
        }
    }

    [Fact]
    public void ALongRunWithoutSpaces_ThatIsOneGrapheme_IsStillCutOnACodePoint()
    {
        var text = "a" + new string('\u0301', 100) + "😀" + new string('\u0301', 100);
        var parts = Split(text.Select(c => c.ToString()), 30);
        Assert.Equal(text, string.Concat(parts));
        Assert.All(parts, p => Assert.InRange(p.Length, 1, 30));
        Assert.All(parts, p => Assert.False(char.IsHighSurrogate(p[^1]) || char.IsLowSurrogate(p[0])));
    }

    [Fact]
    public void UnpunctuatedText_IsCutAtTheLastSpaceBeforeTheLimit()
    {
        var text = Unpunctuated(2_000);
        var parts = Split(text.Select(c => c.ToString()), 100);
        Assert.Equal(text, string.Join(" ", parts));
        Assert.All(parts, p => Assert.InRange(p.Length, 1, 100));
        foreach (var (part, next) in parts.Zip(parts.Skip(1)))
        {
            // The next word would not have fitted: the cut is at the last space before the limit.
            Assert.True(part.Length + 1 + next.Split(' ')[0].Length > 100, $"'{part}' + '{next.Split(' ')[0]}'");
        }
    }

    [Fact]
    public void FullWidthPunctuation_EndsSentences_AndFullWidthClauseMarksCutLongOnes()
    {
        Assert.Equal(["你好！", "今天怎么样？", "很好。", "谢谢"], Split("你好！今天怎么样？很好。谢谢".Select(c => c.ToString()), 200));
        var text = string.Concat(Enumerable.Repeat("这是一个比较长的分句、", 20));
        var parts = Split(text.Select(c => c.ToString()), 50);
        Assert.Equal(text, string.Concat(parts));
        Assert.All(parts, p => Assert.True(p.Length <= 50 && p.EndsWith('、'), p));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void GeneratedText_InAnyScriptAndTokenization_GivesPiecesWithinTheLimit_AndLosesNothing(int seed)
    {
        // Seeded, bounded hostile input: letters of several scripts, spaces, terminals, clause marks, quotes, ellipses,
        // emoji, combining marks and long runs of any of them, streamed in random token sizes.
        string[] alphabet = ["a", "Z", "q", " ", " ", "  ", "\n", ".", "...", "!", "?", ",", ", ", ";", ":", "\"", ")", "。", "！", "？", "，", "、",
            "؟", "،", "।", "።", "։", "字", "ب", "क", "😀", "e\u0301", "👨\u200D👩", "Mr.", " e.g. ", "3.14", "‽"];
        var random = new Random(seed);
        for (var round = 0; round < 40; round++)
        {
            var text = new StringBuilder();
            while (text.Length < 3_000)
            {
                var piece = alphabet[random.Next(alphabet.Length)];
                text.Append(random.Next(20) == 0 ? string.Concat(Enumerable.Repeat(piece, random.Next(50, 400))) : piece);
            }

            var limit = random.Next(20, 300);
            var tokens = new List<string>();
            for (var i = 0; i < text.Length;)
            {
                var n = Math.Min(text.Length - i, random.Next(1, random.Next(2) == 0 ? 4 : 600));
                tokens.Add(text.ToString(i, n));
                i += n;
            }

            var parts = Split(tokens, limit);
            Assert.All(parts, p => Assert.InRange(p.Length, 1, limit));
            Assert.All(parts, p => Assert.False(char.IsWhiteSpace(p[0]) || char.IsWhiteSpace(p[^1])));
            Assert.All(parts, p => Assert.False(char.IsHighSurrogate(p[^1]) || char.IsLowSurrogate(p[0]), "a surrogate pair was split"));
            Assert.Equal(NonWhiteSpace(text.ToString()), NonWhiteSpace(string.Concat(parts)));
        }

        static string NonWhiteSpace(string s) => string.Concat(s.Where(c => !char.IsWhiteSpace(c)));
    }

    private static List<string> SentencesOf(List<VoiceAgentChunk> chunks) =>
        chunks.GroupBy(c => c.SentenceIndex).OrderBy(g => g.Key).Select(g => g.First().Sentence).ToList();

    private static string Unpunctuated(int length)
    {
        string[] words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima"];
        var text = new StringBuilder();
        for (var i = 0; text.Length < length; i++)
        {
            text.Append(words[(i * 7) % words.Length]).Append(' ');
        }

        return text.ToString(0, length).TrimEnd();
    }

    private static List<string> Split(IEnumerable<string> tokens, int maxLength)
    {
        var splitter = new SentenceSplitter(maxLength);
        var sentences = tokens.SelectMany(splitter.Add).ToList();
        if (splitter.Flush() is { } last)
        {
            sentences.Add(last);
        }

        return sentences;
    }

    private static List<string> Split(string text, IEnumerable<string> tokens)
    {
        var splitter = new SentenceSplitter();
        var sentences = tokens.SelectMany(splitter.Add).ToList();
        if (splitter.Flush() is { } last)
        {
            sentences.Add(last);
        }

        return sentences;
    }

    /// <summary>A chat client that streams its answer word by word; an optional gate holds the second part back.</summary>
    private sealed class ScriptedChat : IChatClient
    {
        public ScriptedChat(params string[] parts) => Answers.Enqueue(parts);

        public Queue<string[]> Answers { get; } = new();

        public List<List<ChatMessage>> Requests { get; } = [];

        public Task? Gate { get; init; }

        public bool? GateWasOpenWhenReached { get; private set; }

        public System.Collections.Concurrent.ConcurrentQueue<string>? Events { get; init; }

        public TaskCompletionSource<bool> Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The agent streams.");

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Requests.Add([.. messages]);
            var parts = Answers.Dequeue();
            try
            {
                for (var p = 0; p < parts.Length; p++)
                {
                    if (p == 1 && Gate is not null)
                    {
                        GateWasOpenWhenReached = Gate.IsCompleted;
                        await Gate.WaitAsync(cancellationToken);
                    }

                    foreach (var word in parts[p].Split(' '))
                    {
                        await Task.Yield();
                        cancellationToken.ThrowIfCancellationRequested();
                        yield return new ChatResponseUpdate(ChatRole.Assistant, word + " ");
                    }
                }

                Events?.Enqueue("chat finished");
            }
            finally
            {
                Cancelled.TrySetResult(cancellationToken.IsCancellationRequested);
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
