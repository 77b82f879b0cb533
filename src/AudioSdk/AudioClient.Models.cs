using AudioSdk.Internal.Http;
using AudioSdk.Internal.Json;
using AudioSdk.Models;

namespace AudioSdk;

public partial class AudioClient
{
    /// <summary>Lists the models the service offers (<c>GET /models</c>).</summary>
    /// <param name="recommendedFor">
    /// The <c>recommended_for</c> filter some providers offer: <see cref="ModelPurpose.SpeechToText"/> (<c>stt</c>)
    /// or <see cref="ModelPurpose.TextToSpeech"/> (<c>tts</c>); <see langword="null"/> lists everything.
    /// </param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The models, with the response's metadata.</returns>
    /// <exception cref="AudioServiceException">The service answered with an error.</exception>
    /// <exception cref="AudioTransportException">The connection failed, broke or timed out after the retries (see
    /// <see cref="AudioTransportException.IsTimeout"/>; the cause is the inner exception).</exception>
    public virtual Task<ModelList> ListModelsAsync(string? recommendedFor = null, CancellationToken cancellationToken = default)
    {
        var path = string.IsNullOrEmpty(recommendedFor) ? "models" : "models?recommended_for=" + Uri.EscapeDataString(recommendedFor);
        return SendAsync(
            RequestSpec.Get(path, "models.list"),
            async (response, ct) =>
            {
                var wire = await ResponseReader.JsonAsync(response, AudioSdkJsonContext.Default.ModelListWire, ct).ConfigureAwait(false);
                return new ModelList((IReadOnlyList<ModelInfo>?)wire.Data ?? [], ResponseMetadata.FromResponse(response));
            },
            cancellationToken);
    }

    /// <summary>Gets one model (<c>GET /models/{id}</c>).</summary>
    /// <param name="modelId">The model id; ids with slashes (<c>openai/whisper-large-v3</c>) are kept as path segments.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException">The id is empty.</exception>
    /// <exception cref="AudioServiceException">The service answered with an error (404 for an unknown model).</exception>
    /// <exception cref="AudioTransportException">The connection failed, broke or timed out after the retries (see
    /// <see cref="AudioTransportException.IsTimeout"/>; the cause is the inner exception).</exception>
    public virtual Task<ModelInfo> GetModelAsync(string modelId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        var path = "models/" + string.Join('/', modelId.Split('/').Select(Uri.EscapeDataString));
        return SendAsync(RequestSpec.Get(path, "models.get"), (response, ct) =>
            ResponseReader.JsonAsync(response, AudioSdkJsonContext.Default.ModelInfo, ct), cancellationToken);
    }
}
