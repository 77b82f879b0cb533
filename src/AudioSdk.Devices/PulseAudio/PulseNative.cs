using System.Runtime.InteropServices;

namespace AudioSdk.Devices.PulseAudio;

/// <summary>
/// PulseAudio's asynchronous API (libpulse.so.0) with a plain <c>pa_mainloop</c>: no callbacks, one thread at a time,
/// every wait bounded by a poll timeout and interruptible with <c>pa_mainloop_wakeup</c>.
/// </summary>
internal static class PulseNative
{
    public const int ContextReady = 4;
    public const int ContextFailed = 5;
    public const int ContextTerminated = 6;
    public const int StreamReady = 2;
    public const int StreamFailed = 3;
    public const int StreamTerminated = 4;

    /// <summary>PA_CONTEXT_NOAUTOSPAWN: never start a daemon of our own.</summary>
    public const int ContextNoAutospawn = 1;

    /// <summary>PA_STREAM_ADJUST_LATENCY: the fragment size is the latency asked of the source.</summary>
    public const int StreamAdjustLatency = 0x2000;

    private const string Lib = "libpulse.so.0";

    [DllImport(Lib, EntryPoint = "pa_mainloop_new")]
    public static extern IntPtr MainloopNew();

    [DllImport(Lib, EntryPoint = "pa_mainloop_get_api")]
    public static extern IntPtr MainloopApi(IntPtr mainloop);

    [DllImport(Lib, EntryPoint = "pa_mainloop_prepare")]
    public static extern int MainloopPrepare(IntPtr mainloop, int timeoutMicroseconds);

    [DllImport(Lib, EntryPoint = "pa_mainloop_poll")]
    public static extern int MainloopPoll(IntPtr mainloop);

    [DllImport(Lib, EntryPoint = "pa_mainloop_dispatch")]
    public static extern int MainloopDispatch(IntPtr mainloop);

    /// <summary>Thread-safe: makes a poll in progress return at once.</summary>
    [DllImport(Lib, EntryPoint = "pa_mainloop_wakeup")]
    public static extern void MainloopWakeup(IntPtr mainloop);

    [DllImport(Lib, EntryPoint = "pa_mainloop_free")]
    public static extern void MainloopFree(IntPtr mainloop);

    [DllImport(Lib, EntryPoint = "pa_context_new")]
    public static extern IntPtr ContextNew(IntPtr api, IntPtr name);

    [DllImport(Lib, EntryPoint = "pa_context_connect")]
    public static extern int ContextConnect(IntPtr context, IntPtr server, int flags, IntPtr spawnApi);

    [DllImport(Lib, EntryPoint = "pa_context_get_state")]
    public static extern int ContextState(IntPtr context);

    [DllImport(Lib, EntryPoint = "pa_context_errno")]
    public static extern int ContextErrno(IntPtr context);

    [DllImport(Lib, EntryPoint = "pa_context_disconnect")]
    public static extern void ContextDisconnect(IntPtr context);

    [DllImport(Lib, EntryPoint = "pa_context_unref")]
    public static extern void ContextUnref(IntPtr context);

    [DllImport(Lib, EntryPoint = "pa_stream_new")]
    public static extern IntPtr StreamNew(IntPtr context, IntPtr name, ref PulseSimple.SampleSpec spec, IntPtr map);

    [DllImport(Lib, EntryPoint = "pa_stream_connect_record")]
    public static extern int StreamConnectRecord(IntPtr stream, IntPtr device, ref PulseSimple.BufferAttr attr, int flags);

    [DllImport(Lib, EntryPoint = "pa_stream_get_state")]
    public static extern int StreamState(IntPtr stream);

    [DllImport(Lib, EntryPoint = "pa_stream_peek")]
    public static extern int StreamPeek(IntPtr stream, out IntPtr data, out nuint bytes);

    [DllImport(Lib, EntryPoint = "pa_stream_drop")]
    public static extern int StreamDrop(IntPtr stream);

    [DllImport(Lib, EntryPoint = "pa_stream_flush")]
    public static extern IntPtr StreamFlush(IntPtr stream, IntPtr callback, IntPtr userdata);

    [DllImport(Lib, EntryPoint = "pa_operation_unref")]
    public static extern void OperationUnref(IntPtr operation);

    [DllImport(Lib, EntryPoint = "pa_stream_disconnect")]
    public static extern int StreamDisconnect(IntPtr stream);

    [DllImport(Lib, EntryPoint = "pa_stream_unref")]
    public static extern void StreamUnref(IntPtr stream);
}
