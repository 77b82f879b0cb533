using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace AudioSdk.Testing.Internal;

/// <summary>How every route writes a text, JSON or OpenAI-shaped error answer.</summary>
internal static class HttpAnswers
{
    public static Task TextAsync(HttpContext context, string text, string contentType = "text/plain")
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType + "; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    public static Task JsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    public static Task ErrorAsync(HttpContext context, int status, string code, string message, string type, string? param) =>
        JsonAsync(context, status,
            new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code } });

    public static Task InvalidRequestAsync(HttpContext context, int status, string code, string message, string? param = null) =>
        ErrorAsync(context, status, code, message, "invalid_request_error", param);

    public static Task NoRouteAsync(HttpContext context) =>
        InvalidRequestAsync(context, 404, "not_found", $"No route for {context.Request.Method} {context.Request.Path.Value ?? "/"}.");
}
