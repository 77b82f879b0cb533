using System.Text.Json;

namespace AudioSdk.Realtime;

/// <summary>
/// Usage of one utterance, normalised across dialects: OpenAI's token or duration usage and vLLM's prompt and
/// completion tokens map onto input and output tokens. The usage as sent stays in <see cref="Raw"/>.
/// </summary>
/// <param name="InputTokens">Input tokens (OpenAI <c>input_tokens</c>, vLLM <c>prompt_tokens</c>).</param>
/// <param name="OutputTokens">Output tokens (OpenAI <c>output_tokens</c>, vLLM <c>completion_tokens</c>, pad tokens included).</param>
/// <param name="TotalTokens">Total tokens.</param>
/// <param name="AudioDuration">Billed audio, for duration usage.</param>
/// <param name="Raw">The usage object as received.</param>
public sealed record RealtimeUsage(int? InputTokens, int? OutputTokens, int? TotalTokens, TimeSpan? AudioDuration, JsonElement Raw);
