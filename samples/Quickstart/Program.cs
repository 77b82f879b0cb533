// Quickstart: a transcription, a translation, a speech request and a model listing.
// With no configuration it starts the in-process test server and talks to it (offline).
// Set AUDIO_API_BASE_URL (for example https://api.openai.com/v1) and AUDIO_API_KEY to use a real service;
// AUDIO_STT_MODEL, AUDIO_TTS_MODEL and AUDIO_VOICE choose the models and the voice.
using AudioSdk;
using AudioSdk.Speech;
using AudioSdk.Testing;
using AudioSdk.Transcriptions;
using AudioSdk.Translations;

var baseUrl = Environment.GetEnvironmentVariable("AUDIO_API_BASE_URL");
var apiKey = Environment.GetEnvironmentVariable("AUDIO_API_KEY");
var sttModel = Environment.GetEnvironmentVariable("AUDIO_STT_MODEL") ?? "whisper-1";
var ttsModel = Environment.GetEnvironmentVariable("AUDIO_TTS_MODEL") ?? "tts-1";
var voice = Environment.GetEnvironmentVariable("AUDIO_VOICE") ?? "alloy";

await using var server = string.IsNullOrEmpty(baseUrl) ? await AudioTestServer.StartAsync() : null;
var endpoint = server?.Endpoint ?? new Uri(baseUrl!);
Console.WriteLine(server is null ? $"Using {endpoint}" : $"No AUDIO_API_BASE_URL set: using the in-process test server at {endpoint}");

using var client = new AudioClient(new AudioClientOptions { Endpoint = endpoint, ApiKey = apiKey });

// 1. Text to speech: a WAV we can transcribe next.
var speech = await client.GenerateSpeechAsync(
    "Hello from AudioSdk. This sentence travels from text to speech and back again.",
    new SpeechOptions { Model = ttsModel, Voice = voice, ResponseFormat = SpeechFormat.Wav });
Console.WriteLine($"Speech: {speech.Audio.Length} bytes of {speech.ContentType} (request {speech.Metadata.RequestId})");

// 2. Transcription with segments.
var transcript = await client.TranscribeAsync(
    AudioInput.FromBytes(speech.Audio, "hello.wav"),
    new TranscriptionOptions { Model = sttModel, ResponseFormat = TranscriptionFormat.VerboseJson });
Console.WriteLine($"Transcript ({transcript.Duration?.TotalSeconds:0.00} s): {transcript.Text}");
foreach (var segment in transcript.Segments)
{
    Console.WriteLine($"  [{segment.Start:mm\\:ss\\.ff} - {segment.End:mm\\:ss\\.ff}] {segment.Text.Trim()}");
}

// 3. Translation into English.
var translation = await client.TranslateAsync(AudioInput.FromBytes(speech.Audio, "hello.wav"), new TranslationOptions { Model = sttModel });
Console.WriteLine($"Translation: {translation.Text}");

// 4. Models recommended for speech-to-text (a filter some providers offer; others list everything).
var models = await client.ListModelsAsync(recommendedFor: "stt");
Console.WriteLine($"Models for stt: {string.Join(", ", models.Select(m => m.Id))}");
