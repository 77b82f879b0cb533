using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace AudioSdk.Testing.Internal.Endpoints;

/// <summary>One model (<c>GET /v1/models/{id}</c>); an unknown id is OpenAI's <c>model_not_found</c>.</summary>
internal sealed class ModelEndpoint(AudioTestServerOptions options)
{
    public Task HandleAsync(HttpContext context)
    {
        var id = Uri.UnescapeDataString(RequestPipeline.RequestOf(context).Path["/v1/models/".Length..]);
        return options.Models.TryGetValue(id, out var purpose)
            ? HttpAnswers.JsonAsync(context, 200, Json(id, purpose))
            : HttpAnswers.InvalidRequestAsync(context, 404, "model_not_found", $"The model '{id}' does not exist.", "model");
    }

    /// <summary>A model object as OpenAI's listing gives it, with the <c>recommended_for</c> some providers add.</summary>
    public static JsonObject Json(string id, string purpose) => new()
    {
        ["id"] = id,
        ["object"] = "model",
        ["created"] = 1700000000,
        ["owned_by"] = "audiosdk-testing",
        ["recommended_for"] = new JsonArray(purpose),
    };
}
