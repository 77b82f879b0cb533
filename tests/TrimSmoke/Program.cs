// A trimmed, self-contained program: a transcription, a speech request and a realtime session against the
// audio server whose endpoint is given (CI starts the in-process test server in a helper process).
using AudioSdk;
using AudioSdk.Audio;
using AudioSdk.Realtime;
using AudioSdk.Speech;
using AudioSdk.Transcriptions;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: TrimSmoke <endpoint>");
    return 2;
}

using var client = new AudioClient(new AudioClientOptions { Endpoint = new Uri(args[0]) });
var tone = Enumerable.Range(0, 16000).Select(i => (float)(0.3 * Math.Sin(2 * Math.PI * 440 * i / 16000))).ToArray();
var wav = WavFile.Write(tone, WavFormat.Pcm16Mono(16000));

var t = await client.TranscribeAsync(AudioInput.FromBytes(wav, "tone.wav"), new TranscriptionOptions { Model = "whisper-1", ResponseFormat = TranscriptionFormat.VerboseJson });
var s = await client.GenerateSpeechAsync("Trimmed and working.", new SpeechOptions { Model = "tts-1", Voice = SpeechVoice.Alloy, ResponseFormat = SpeechFormat.Wav });
await using var rt = await client.StartRealtimeSessionAsync(new RealtimeSessionOptions { Model = "gpt-4o-transcribe", InputSampleRate = 16000 });
var r = await rt.TranscribeUtteranceAsync(WavFile.Read(wav).ToPcm16Mono().SelectMany(v => new[] { (byte)v, (byte)(v >> 8) }).ToArray());

Console.WriteLine($"transcription: {t.Text} ({t.Segments.Count} segments)");
Console.WriteLine($"speech: {s.Audio.Length} bytes of {s.ContentType}");
Console.WriteLine($"realtime: {r.Transcript}");
var ok = t.Segments.Count == 1 && s.Audio.Length > 44 && r.Transcript.Contains("440 Hz", StringComparison.Ordinal);
Console.WriteLine(ok ? "trimmed smoke test: ok" : "trimmed smoke test: FAILED");
return ok ? 0 : 1;
