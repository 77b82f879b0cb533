namespace AudioSdk.Usage;

/// <summary>
/// The query of <c>GET /usage</c>: a time window, filters and paging. Each property set becomes a
/// query parameter of the same snake_case name; <see cref="AdditionalParameters"/> covers a provider's own.
/// </summary>
public sealed record UsageQuery
{
    /// <summary><c>start_time</c>: the window's start (sent as Unix seconds).</summary>
    public DateTimeOffset? StartTime { get; set; }

    /// <summary><c>end_time</c>: the window's end (sent as Unix seconds).</summary>
    public DateTimeOffset? EndTime { get; set; }

    /// <summary><c>model</c>: only this model's records.</summary>
    public string? Model { get; set; }

    /// <summary><c>modality</c>: only records of this kind, such as <c>stt</c> or <c>tts</c>.</summary>
    public string? Modality { get; set; }

    /// <summary><c>limit</c>: at most this many records in one page.</summary>
    public int? Limit { get; set; }

    /// <summary><c>after</c>: the cursor of the previous page (<see cref="UsageReport.NextCursor"/>).</summary>
    public string? After { get; set; }

    /// <summary>Further query parameters, sent as given.</summary>
    public IDictionary<string, string> AdditionalParameters { get; set; } = new Dictionary<string, string>();
}
