using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace AudioSdk.Testing.Internal.Endpoints;

/// <summary>The usage report (<c>GET /v1/usage</c>), built from what the server answered, with filters and cursor paging.</summary>
internal sealed class UsageEndpoint(ServerState state)
{
    public Task HandleAsync(HttpContext context)
    {
        var query = context.Request.Query;
        long? Long(string name) => long.TryParse(query[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
        var start = Long("start_time");
        var end = Long("end_time");
        var limit = (int)(Long("limit") ?? 100);
        var model = query["model"].ToString();
        var modality = query["modality"].ToString();
        var after = query["after"].ToString();
        var filtered = state.UsageRecords()
            .Where(r => model.Length == 0 || (string?)r["model"] == model)
            .Where(r => modality.Length == 0 || (string?)r["modality"] == modality)
            .Where(r => start is null || (long)r["created_at"]! >= start)
            .Where(r => end is null || (long)r["created_at"]! <= end)
            .SkipWhile(r => after.Length > 0 && (string?)r["id"] != after)
            .Skip(after.Length > 0 ? 1 : 0)
            .ToList();
        var page = filtered.Take(limit).ToList();
        var hasMore = filtered.Count > page.Count;
        return HttpAnswers.JsonAsync(context, 200, new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(page.Select(p => (JsonNode)p).ToArray()),
            ["has_more"] = hasMore,
            ["next_cursor"] = hasMore ? (string?)page[^1]["id"] : null,
        });
    }
}
