using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace AudioSdk.Testing.Internal.Endpoints;

/// <summary>The model listing (<c>GET /v1/models</c>), filtered by <c>recommended_for</c> when it is given.</summary>
internal sealed class ModelListEndpoint(AudioTestServerOptions options)
{
    public Task HandleAsync(HttpContext context)
    {
        var recommendedFor = context.Request.Query["recommended_for"].ToString();
        var data = new JsonArray();
        foreach (var model in options.Models.Where(m => recommendedFor.Length == 0 || m.Value == recommendedFor))
        {
            data.Add(ModelEndpoint.Json(model.Key, model.Value));
        }

        return HttpAnswers.JsonAsync(context, 200, new JsonObject { ["object"] = "list", ["data"] = data });
    }
}
