using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AudioSdk.Cli.Connection;
using AudioSdk.Models;
using AudioSdk.Usage;
using Spectre.Console;

namespace AudioSdk.Cli.Commands;

/// <summary><c>audio models</c> and <c>audio usage</c>: tables on a terminal or in a pipe, JSON with <c>--json</c>.</summary>
internal static class ListCommands
{
    public static Command Models(GlobalOptions global, CliConsole console)
    {
        var purpose = new Option<string?>("--for") { Description = "Only models recommended for speech-to-text (stt) or text-to-speech (tts)" };
        purpose.AcceptOnlyFromAmong("stt", "tts");
        var command = new Command("models", "List the server's models.") { purpose };
        command.SetAction(async (parse, ct) =>
        {
            return await AudioConnection.UseAsync(parse, global, console, async connection =>
            {
                var recommended = parse.GetValue(purpose) switch
                {
                    "stt" => ModelPurpose.SpeechToText,
                    "tts" => ModelPurpose.TextToSpeech,
                    _ => null,
                };
                var models = await connection.Client.ListModelsAsync(recommended, ct).ConfigureAwait(false);
                if (parse.GetValue(global.Json))
                {
                    WriteJson(console, w =>
                    {
                        w.WriteStartArray();
                        foreach (var m in models)
                        {
                            w.WriteStartObject();
                            w.WriteString("id", m.Id);
                            w.WriteString("ownedBy", m.OwnedBy);
                            if (m.CreatedAt is { } created)
                            {
                                w.WriteString("created", created);
                            }

                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                    });
                    return ExitCodes.Success;
                }

                var table = console.CreateTable("Model", "Owned by", "Created");
                foreach (var m in models.OrderBy(m => m.Id, StringComparer.Ordinal))
                {
                    table.AddRow(Markup.Escape(m.Id), Markup.Escape(m.OwnedBy ?? string.Empty),
                        m.CreatedAt?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty);
                }

                console.CreateAnsiConsole().Write(table);
                return ExitCodes.Success;
            }, ct).ConfigureAwait(false);
        });
        return command;
    }

    public static Command Usage(GlobalOptions global, CliConsole console)
    {
        var since = new Option<string?>("--since") { Description = "Start: a duration back from now (24h, 7d) or a date (2026-11-01)" };
        var model = new Option<string?>("--model", "-m") { Description = "Only this model" };
        var modality = new Option<string?>("--modality") { Description = "Only this modality, such as stt or tts" };
        var command = new Command("usage", "Show usage records.") { since, model, modality };
        command.SetAction(async (parse, ct) =>
        {
            var query = new UsageQuery { Model = parse.GetValue(model), Modality = parse.GetValue(modality) };
            if (parse.GetValue(since) is { } start)
            {
                query.StartTime = Durations.TryParse(start, out var back) ? DateTimeOffset.UtcNow - back
                    : DateTimeOffset.TryParse(start, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date
                    : throw new CliUsageException($"--since '{start}' is neither a duration (24h, 7d) nor a date (2026-11-01).");
            }

            return await AudioConnection.UseAsync(parse, global, console, async connection =>
            {
                var report = await connection.Client.GetUsageAsync(query, ct).ConfigureAwait(false);
                if (parse.GetValue(global.Json))
                {
                    WriteJson(console, w =>
                    {
                        w.WriteStartArray();
                        foreach (var r in report.Data)
                        {
                            w.WriteStartObject();
                            w.WriteString("created", r.CreatedAt?.ToString("o", CultureInfo.InvariantCulture));
                            w.WriteString("model", r.Model);
                            w.WriteString("modality", r.Modality);
                            if (r.Quantity is { } q)
                            {
                                w.WriteNumber("quantity", q);
                            }

                            w.WriteString("unit", r.BillingUnit);
                            w.WriteString("requestId", r.RequestId);
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                    });
                    return ExitCodes.Success;
                }

                var table = console.CreateTable("When (UTC)", "Model", "Modality", "Quantity", "Unit", "Request");
                foreach (var r in report.Data)
                {
                    table.AddRow(
                        r.CreatedAt?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? string.Empty,
                        Markup.Escape(r.Model ?? string.Empty),
                        Markup.Escape(r.Modality ?? string.Empty),
                        r.Quantity?.ToString("0.###", CultureInfo.InvariantCulture) ?? string.Empty,
                        Markup.Escape(r.BillingUnit ?? string.Empty),
                        Markup.Escape(r.RequestId ?? string.Empty));
                }

                console.CreateAnsiConsole().Write(table);
                console.Out.WriteLine($"{report.Data.Count} record(s){(report.HasMore ? " (more on the server)" : string.Empty)}");
                return ExitCodes.Success;
            }, ct).ConfigureAwait(false);
        });
        return command;
    }

    private static void WriteJson(CliConsole console, Action<Utf8JsonWriter> write) => console.Out.WriteLine(JsonText.Write(write));
}
