using System.Runtime.InteropServices;

namespace AudioSdk.Devices.PulseAudio;

/// <summary>
/// One PulseAudio record stream on a mainloop of its own. Nothing here blocks without a bound: <see cref="Iterate"/>
/// polls for at most the time given and returns at once after <see cref="Wakeup"/>; <see cref="Read"/> only copies what
/// the server has already sent. Not thread-safe apart from <see cref="Wakeup"/>: one thread at a time drives it.
/// </summary>
internal sealed class PulseRecordStream : IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    private IntPtr _mainloop;
    private IntPtr _context;
    private IntPtr _stream;
    private IntPtr _fragment;
    private int _fragmentLength;
    private int _fragmentOffset;

    private PulseRecordStream()
    {
    }

    /// <summary>Connects to the server and opens the source, or throws <see cref="AudioDeviceException"/> saying why.</summary>
    public static PulseRecordStream Open(string? server, string? device, int sampleRate, int channels, int blockBytes, string what)
    {
        var opened = new PulseRecordStream();
        var serverPtr = Marshal.StringToCoTaskMemUTF8(server);
        var devicePtr = Marshal.StringToCoTaskMemUTF8(device);
        var namePtr = Marshal.StringToCoTaskMemUTF8("AudioSdk");
        var streamPtr = Marshal.StringToCoTaskMemUTF8(what);
        try
        {
            opened._mainloop = PulseNative.MainloopNew();
            if (opened._mainloop == IntPtr.Zero)
            {
                throw new AudioDeviceException($"No {what} device: PulseAudio could not create a mainloop.");
            }

            opened._context = PulseNative.ContextNew(PulseNative.MainloopApi(opened._mainloop), namePtr);
            if (opened._context == IntPtr.Zero
                || PulseNative.ContextConnect(opened._context, serverPtr, PulseNative.ContextNoAutospawn, IntPtr.Zero) < 0)
            {
                throw opened.Refused(what, device);
            }

            opened.WaitFor(() => PulseNative.ContextState(opened._context) switch
            {
                PulseNative.ContextReady => true,
                PulseNative.ContextFailed or PulseNative.ContextTerminated => throw opened.Refused(what, device),
                _ => false,
            }, what);

            var spec = new PulseSimple.SampleSpec { Format = PulseSimple.SampleS16Le, Rate = (uint)sampleRate, Channels = (byte)channels };
            var attr = new PulseSimple.BufferAttr
            {
                MaxLength = uint.MaxValue,
                TLength = uint.MaxValue,
                PreBuf = uint.MaxValue,
                MinReq = uint.MaxValue,
                FragSize = (uint)blockBytes,
            };
            opened._stream = PulseNative.StreamNew(opened._context, streamPtr, ref spec, IntPtr.Zero);
            if (opened._stream == IntPtr.Zero
                || PulseNative.StreamConnectRecord(opened._stream, devicePtr, ref attr, PulseNative.StreamAdjustLatency) < 0)
            {
                throw opened.Refused(what, device);
            }

            opened.WaitFor(() => PulseNative.StreamState(opened._stream) switch
            {
                PulseNative.StreamReady => true,
                PulseNative.StreamFailed or PulseNative.StreamTerminated => throw opened.Refused(what, device),
                _ => false,
            }, what);
            return opened;
        }
        catch (DllNotFoundException ex)
        {
            opened.Dispose();
            throw new AudioDeviceException($"No {what} device: libpulse.so.0 is not installed (Debian: apt-get install libpulse0).", ex);
        }
        catch (EntryPointNotFoundException ex)
        {
            opened.Dispose();
            throw new AudioDeviceException($"No {what} device: the PulseAudio library lacks the asynchronous API.", ex);
        }
        catch
        {
            opened.Dispose();
            throw;
        }
        finally
        {
            Marshal.FreeCoTaskMem(serverPtr);
            Marshal.FreeCoTaskMem(devicePtr);
            Marshal.FreeCoTaskMem(namePtr);
            Marshal.FreeCoTaskMem(streamPtr);
        }
    }

    /// <summary>Why the stream stopped, or null while it runs.</summary>
    public string? Failure =>
        PulseNative.ContextState(_context) != PulseNative.ContextReady || PulseNative.StreamState(_stream) != PulseNative.StreamReady
            ? PulseSimple.Describe(PulseNative.ContextErrno(_context))
            : null;

    /// <summary>Runs the mainloop once: waits at most <paramref name="timeoutMicroseconds"/> for the server, or less after
    /// <see cref="Wakeup"/>.</summary>
    /// <returns>False when the mainloop failed.</returns>
    public bool Iterate(int timeoutMicroseconds) =>
        PulseNative.MainloopPrepare(_mainloop, timeoutMicroseconds) >= 0
        && PulseNative.MainloopPoll(_mainloop) >= 0
        && PulseNative.MainloopDispatch(_mainloop) >= 0;

    /// <summary>Makes an <see cref="Iterate"/> in progress on another thread return now.</summary>
    public void Wakeup() => PulseNative.MainloopWakeup(_mainloop);

    /// <summary>Drops what the server recorded before now (audio kept while nobody read).</summary>
    public void Flush()
    {
        DropFragment();
        var operation = PulseNative.StreamFlush(_stream, IntPtr.Zero, IntPtr.Zero);
        if (operation != IntPtr.Zero)
        {
            PulseNative.OperationUnref(operation);
        }
    }

    /// <summary>Copies what has arrived, up to <paramref name="count"/> bytes; never waits.</summary>
    /// <returns>The bytes copied (0 when nothing is waiting), or -1 when the stream failed.</returns>
    public int Read(byte[] buffer, int offset, int count)
    {
        var total = 0;
        while (total < count)
        {
            if (_fragmentLength == 0)
            {
                if (PulseNative.StreamPeek(_stream, out var data, out var length) < 0)
                {
                    return -1;
                }

                if (length == 0)
                {
                    break;
                }

                // data is null for a hole in the stream: it is played as silence, so the timing stays whole.
                _fragment = data;
                _fragmentLength = checked((int)length);
                _fragmentOffset = 0;
            }

            var take = Math.Min(count - total, _fragmentLength - _fragmentOffset);
            if (_fragment == IntPtr.Zero)
            {
                Array.Clear(buffer, offset + total, take);
            }
            else
            {
                Marshal.Copy(_fragment + _fragmentOffset, buffer, offset + total, take);
            }

            total += take;
            _fragmentOffset += take;
            if (_fragmentOffset == _fragmentLength)
            {
                DropFragment();
            }
        }

        return total;
    }

    /// <summary>Disconnects and frees the stream, the context and the mainloop.</summary>
    public void Dispose()
    {
        if (_stream != IntPtr.Zero)
        {
            DropFragment();
            PulseNative.StreamDisconnect(_stream);
            PulseNative.StreamUnref(_stream);
            _stream = IntPtr.Zero;
        }

        if (_context != IntPtr.Zero)
        {
            PulseNative.ContextDisconnect(_context);
            PulseNative.ContextUnref(_context);
            _context = IntPtr.Zero;
        }

        if (_mainloop != IntPtr.Zero)
        {
            PulseNative.MainloopFree(_mainloop);
            _mainloop = IntPtr.Zero;
        }
    }

    private void DropFragment()
    {
        if (_fragmentLength != 0)
        {
            PulseNative.StreamDrop(_stream);
            _fragment = IntPtr.Zero;
            _fragmentLength = 0;
            _fragmentOffset = 0;
        }
    }

    private void WaitFor(Func<bool> ready, string what)
    {
        var deadline = Environment.TickCount64 + (long)ConnectTimeout.TotalMilliseconds;
        while (!ready())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new AudioDeviceException($"No {what} device: the PulseAudio server did not answer within {ConnectTimeout.TotalSeconds:0} s.");
            }

            if (!Iterate(50_000))
            {
                throw new AudioDeviceException($"No {what} device: PulseAudio's mainloop failed.");
            }
        }
    }

    private AudioDeviceException Refused(string what, string? device)
    {
        var error = _context == IntPtr.Zero ? "no context" : PulseSimple.Describe(PulseNative.ContextErrno(_context));
        return new AudioDeviceException($"No {what} device: PulseAudio refused ({error}){(device is null ? string.Empty : $" for device '{device}'")}. Is a sound server running (PULSE_SERVER) and a device present?");
    }
}
