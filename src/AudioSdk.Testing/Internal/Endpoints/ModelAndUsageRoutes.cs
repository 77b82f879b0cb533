using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace AudioSdk.Testing;

/// <summary>The model listing, one model, and the usage report built from what the server answered.</summary>
public sealed partial class AudioTestServer
{
    private async Task ListModelsAsync(HttpContext context, string recommendedFor)
    {
        var data = new JsonArray();
        foreach (var model in Options.Models.Where(m => recommendedFor.Length == 0 || m.Value == recommendedFor))
        {
            data.Add(ModelJson(model.Key, model.Value));
        }

        await WriteJsonAsync(context, 200, new JsonObject { ["object"] = "list", ["data"] = data }).ConfigureAwait(false);
    }

    private async Task GetModelAsync(HttpContext context, string id)
    {
        if (Options.Models.TryGetValue(id, out var purpose))
        {
            await WriteJsonAsync(context, 200, ModelJson(id, purpose)).ConfigureAwait(false);
        }
        else
        {
            await WriteErrorAsync(context, 404, "model_not_found", $"The model '{id}' does not exist.", "invalid_request_error", "model").ConfigureAwait(false);
        }
    }

    private static JsonObject ModelJson(string id, string purpose) => new()
    {
        ["id"] = id,
        ["object"] = "model",
        ["created"] = 1700000000,
        ["owned_by"] = "audiosdk-testing",
        ["recommended_for"] = new JsonArray(purpose),
    };

    private async Task UsageAsync(HttpContext context)
    {
        var query = context.Request.Query;
        long? Long(string name) => long.TryParse(query[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
        var start = Long("start_time");
        var end = Long("end_time");
        var limit = (int)(Long("limit") ?? 100);
        var model = query["model"].ToString();
        var modality = query["modality"].ToString();
        var after = query["after"].ToString();
        List<JsonObject> records;
        lock (_gate)
        {
            records = _usage.Select(u => (JsonObject)u.DeepClone()).ToList();
        }

        var filtered = records
            .Where(r => model.Length == 0 || (string?)r["model"] == model)
            .Where(r => modality.Length == 0 || (string?)r["modality"] == modality)
            .Where(r => start is null || (long)r["created_at"]! >= start)
            .Where(r => end is null || (long)r["created_at"]! <= end)
            .SkipWhile(r => after.Length > 0 && (string?)r["id"] != after)
            .Skip(after.Length > 0 ? 1 : 0)
            .ToList();
        var page = filtered.Take(limit).ToList();
        var hasMore = filtered.Count > page.Count;
        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(page.Select(p => (JsonNode)p).ToArray()),
            ["has_more"] = hasMore,
            ["next_cursor"] = hasMore ? (string?)page[^1]["id"] : null,
        }).ConfigureAwait(false);
    }

    private void AddUsage(ReceivedRequest request, string model, string modality, string unit, double quantity, double? seconds, long? characters)
    {
        lock (_gate)
        {
            _usage.Add(new JsonObject
            {
                ["id"] = "usage_" + (_usage.Count + 1).ToString(CultureInfo.InvariantCulture),
                ["object"] = "usage.record",
                ["request_id"] = request.Id,
                ["model"] = model,
                ["modality"] = modality,
                ["billing_unit"] = unit,
                ["quantity"] = quantity,
                ["duration_seconds"] = seconds,
                ["characters"] = characters,
                ["created_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            });
        }
    }
}
