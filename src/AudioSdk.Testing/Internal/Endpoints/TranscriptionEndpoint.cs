using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace AudioSdk.Testing.Internal.Endpoints;

/// <summary>The transcription route, or the translation route when <c>translate</c> is set: one segment per sound burst, every response
/// format, SSE streaming.</summary>
internal sealed class TranscriptionEndpoint(ServerState state, bool translate)
{
    public async Task HandleAsync(HttpContext context)
    {
        var request = RequestPipeline.RequestOf(context);
        var model = request.GetField("model");
        if (string.IsNullOrEmpty(model))
        {
            await HttpAnswers.InvalidRequestAsync(context, 400, "missing_required_parameter", "you must provide a model parameter",
                "model").ConfigureAwait(false);
            return;
        }

        if (request.Audio is not { } audio || audio.Length == 0)
        {
            await HttpAnswers.InvalidRequestAsync(context, 400, "invalid_file", "The audio file is missing or empty.",
                "file").ConfigureAwait(false);
            return;
        }

        if (audio.Format == "unknown")
        {
            await HttpAnswers.InvalidRequestAsync(context, 400, "unsupported_file_type",
                "Unrecognized file format. Supported formats: flac, m4a, mp3, mp4, mpeg, mpga, oga, ogg, wav, webm.",
                "file").ConfigureAwait(false);
            return;
        }

        var format = request.GetField("response_format") ?? "json";
        string[] formats = translate ? ["json", "text", "srt", "verbose_json", "vtt"] : ["json", "text", "srt", "verbose_json", "vtt",
            "diarized_json"];
        if (!formats.Contains(format))
        {
            await HttpAnswers.InvalidRequestAsync(context, 400, "invalid_value", $"Invalid response_format '{format}'.",
                "response_format").ConfigureAwait(false);
            return;
        }

        var script = new TranscriptScript(audio.Duration, state.Options.SegmentLength, audio.SoundAnalysed ? audio.Bursts : null);
        var seconds = Math.Round(audio.Duration.TotalSeconds, 3);
        var tokenUsage = model.StartsWith("gpt-", StringComparison.Ordinal);
        state.AddUsage(request, model, translate ? "translation" : "stt", "seconds", Math.Ceiling(seconds), seconds, null);

        if (request.GetField("stream") == "true" && !translate)
        {
            await StreamTranscriptAsync(context, request, script, format, RequestPipeline.PauseOf(context)).ConfigureAwait(false);
            return;
        }

        var language = translate ? "english" : request.GetField("language") ?? "english";
        switch (format)
        {
            case "text":
                await HttpAnswers.TextAsync(context, script.Text + "\n").ConfigureAwait(false);
                return;
            case "srt":
                await HttpAnswers.TextAsync(context, script.ToSrt()).ConfigureAwait(false);
                return;
            case "vtt":
                await HttpAnswers.TextAsync(context, script.ToVtt(), "text/vtt").ConfigureAwait(false);
                return;
        }

        var body = new JsonObject();
        if (format == "json")
        {
            body["text"] = script.Text;
            if (request.GetFields("include[]").Contains("logprobs"))
            {
                body["logprobs"] = LogProbs(script.Words.Select(w => w.Word));
            }

            body["usage"] = tokenUsage ? TokenUsage(script.Text, seconds) : DurationUsage(seconds);
        }
        else if (format == "verbose_json")
        {
            body["task"] = translate ? "translate" : "transcribe";
            body["language"] = language;
            body["duration"] = seconds;
            body["text"] = script.Text;
            var granularities = request.GetFields("timestamp_granularities[]");
            if (granularities.Count == 0 || granularities.Contains("segment"))
            {
                var segments = new JsonArray();
                for (var i = 0; i < script.Segments.Count; i++)
                {
                    var s = script.Segments[i];
                    segments.Add(new JsonObject
                    {
                        ["id"] = i,
                        ["seek"] = (int)(s.Start * 100),
                        ["start"] = s.Start,
                        ["end"] = s.End,
                        ["text"] = " " + s.Text,
                        ["tokens"] = new JsonArray(50364 + i, 440, 7534),
                        ["temperature"] = 0.0,
                        ["avg_logprob"] = -0.25,
                        ["compression_ratio"] = 1.2,
                        ["no_speech_prob"] = 0.01,
                    });
                }

                body["segments"] = segments;
            }

            if (granularities.Contains("word"))
            {
                body["words"] = new JsonArray(script.Words.Select(w =>
                    (JsonNode)new JsonObject { ["word"] = w.Word, ["start"] = w.Start, ["end"] = w.End }).ToArray());
            }

            body["usage"] = DurationUsage(seconds);
        }
        else
        {
            body["task"] = "transcribe";
            body["duration"] = seconds;
            body["text"] = string.Join("\n", script.Segments.Select((s, i) => $"{Speaker(request, i)}: {s.Text}"));
            body["segments"] = new JsonArray(script.Segments.Select((s, i) => (JsonNode)DiarizedSegment(request, s, i)).ToArray());
            body["usage"] = DurationUsage(seconds);
        }

        await HttpAnswers.JsonAsync(context, 200, body).ConfigureAwait(false);
    }

    private static async Task StreamTranscriptAsync(HttpContext context, ReceivedRequest request, TranscriptScript script, string format,
        Task? pause)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var ct = context.RequestAborted;
        var first = true;
        async Task SendAsync(JsonObject evt)
        {
            await response.WriteAsync("data: " + evt.ToJsonString() + "\n\n", ct).ConfigureAwait(false);
            await response.Body.FlushAsync(ct).ConfigureAwait(false);
            if (first && pause is not null)
            {
                await pause.WaitAsync(ct).ConfigureAwait(false);
            }

            first = false;
        }

        var withLogProbs = request.GetFields("include[]").Contains("logprobs");
        if (format == "diarized_json")
        {
            for (var i = 0; i < script.Segments.Count; i++)
            {
                await SendAsync(DiarizedSegment(request, script.Segments[i], i)).ConfigureAwait(false);
            }
        }
        else
        {
            for (var i = 0; i < script.Words.Count; i++)
            {
                var delta = (i == 0 ? string.Empty : " ") + script.Words[i].Word;
                var evt = new JsonObject { ["type"] = "transcript.text.delta", ["delta"] = delta };
                if (withLogProbs)
                {
                    evt["logprobs"] = LogProbs([delta]);
                }

                await SendAsync(evt).ConfigureAwait(false);
            }
        }

        var done = new JsonObject { ["type"] = "transcript.text.done", ["text"] = script.Text, ["usage"] = TokenUsage(script.Text, 0) };
        if (withLogProbs)
        {
            done["logprobs"] = LogProbs(script.Words.Select(w => w.Word));
        }

        await SendAsync(done).ConfigureAwait(false);
    }

    private static string Speaker(ReceivedRequest request, int index)
    {
        var names = request.GetFields("known_speaker_names[]");
        return names.Count > 0 ? names[index % names.Count] : ((char)('A' + (index % 2))).ToString();
    }

    private static JsonObject DiarizedSegment(ReceivedRequest request, (double Start, double End, string Text) s, int i) => new()
    {
        ["type"] = "transcript.text.segment",
        ["id"] = "seg_" + (i + 1).ToString("D3", CultureInfo.InvariantCulture),
        ["start"] = s.Start,
        ["end"] = s.End,
        ["text"] = s.Text,
        ["speaker"] = Speaker(request, i),
    };

    private static JsonArray LogProbs(IEnumerable<string> tokens) =>
        new(tokens.Select(t => (JsonNode)new JsonObject
        {
            ["token"] = t,
            ["logprob"] = -0.01,
            ["bytes"] = new JsonArray(Encoding.UTF8.GetBytes(t).Select(b => (JsonNode)(int)b).ToArray()),
        }).ToArray());

    private static JsonObject DurationUsage(double seconds) => new() { ["type"] = "duration", ["seconds"] = Math.Ceiling(seconds) };

    private static JsonObject TokenUsage(string text, double seconds)
    {
        var audioTokens = (int)Math.Ceiling(seconds * 10);
        var output = Math.Max(1, text.Length / 4);
        return new JsonObject
        {
            ["type"] = "tokens",
            ["input_tokens"] = audioTokens,
            ["input_token_details"] = new JsonObject { ["text_tokens"] = 0, ["audio_tokens"] = audioTokens },
            ["output_tokens"] = output,
            ["total_tokens"] = audioTokens + output,
        };
    }
}
