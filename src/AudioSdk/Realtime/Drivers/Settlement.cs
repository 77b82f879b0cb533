namespace AudioSdk.Realtime.Drivers;

/// <summary>
/// Keeps a wait from finishing before its event can be read: while the receive loop handles one server message, the
/// completions of waiters (replies, transcripts, responses) are held back and run only after the message's event was
/// written to the session's stream. Outside a message they run at once. The receive loop handles a message without an
/// await, so the scope is per thread.
/// </summary>
internal static class Settlement
{
    [ThreadStatic]
    private static List<Action>? t_pending;

    [ThreadStatic]
    private static bool t_deferring;

    /// <summary>Runs <paramref name="complete"/> now, or after the event under way is published.</summary>
    public static void Run(Action complete)
    {
        if (t_deferring)
        {
            (t_pending ??= []).Add(complete);
        }
        else
        {
            complete();
        }
    }

    /// <summary>Starts holding completions back on this thread.</summary>
    public static void Begin() => t_deferring = true;

    /// <summary>Runs what was held back, in order (the event is readable by now), and stops holding back.</summary>
    public static void Flush()
    {
        t_deferring = false;
        if (t_pending is not { Count: > 0 } pending)
        {
            return;
        }

        var actions = pending.ToArray();
        pending.Clear();
        foreach (var action in actions)
        {
            action();
        }
    }
}
