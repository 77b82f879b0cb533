using Microsoft.AspNetCore.Http;

namespace AudioSdk.Testing.Internal.Endpoints;

/// <summary>Mints ephemeral realtime keys (<c>POST /v1/realtime/client_secrets</c>); the middleware accepts them on <c>/v1/realtime</c>
/// until they expire.</summary>
internal sealed class ClientSecretsEndpoint(ClientSecretIssuer issuer)
{
    public Task HandleAsync(HttpContext context)
    {
        var (status, answer) = issuer.Issue(RequestPipeline.RequestOf(context).JsonBody);
        return HttpAnswers.JsonAsync(context, status, answer);
    }
}
