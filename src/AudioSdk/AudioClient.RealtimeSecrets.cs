using AudioSdk.Internal.Http;
using AudioSdk.Realtime;

namespace AudioSdk;

public partial class AudioClient
{
    /// <summary>
    /// Mints a short-lived realtime key (<c>POST /realtime/client_secrets</c>) with this client's API key, for a
    /// browser or mobile client that opens realtime sessions without ever holding the API key: return only
    /// <see cref="RealtimeClientSecret.Value"/> to it, and it sets <see cref="RealtimeSessionOptions.ClientSecret"/>.
    /// </summary>
    /// <param name="options">Lifetime and session configuration; defaults give a 10-minute transcription key.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The key with its expiry and the effective session configuration.</returns>
    /// <exception cref="ArgumentException">An option is invalid (checked before sending).</exception>
    /// <exception cref="AudioServiceException">The service answered with an error, or without a key.</exception>
    /// <exception cref="AudioTransportException">The connection failed, broke or timed out after the retries (see
    /// <see cref="AudioTransportException.IsTimeout"/>; the cause is the inner exception).</exception>
    public virtual Task<RealtimeClientSecret> CreateRealtimeClientSecretAsync(RealtimeClientSecretOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new RealtimeClientSecretOptions();
        ClientSecretRequest.Validate(options);
        var body = ClientSecretRequest.Body(options);
        var spec = new RequestSpec(HttpMethod.Post, ClientSecretRequest.Path, () => ClientSecretRequest.Content(body), replayable: true)
        {
            Operation = "realtime.client_secret",
            Model = options.Model,
            UploadBytes = body.Length,
        };
        return SendAsync(spec, ClientSecretRequest.ReadAsync, cancellationToken);
    }
}
