using System.Runtime.InteropServices;

namespace AudioSdk.Devices.PulseAudio;

/// <summary>PulseAudio's simple API (libpulse-simple.so.0), blocking reads and writes of one stream.</summary>
internal static partial class PulseSimple
{
    public const int Playback = 1;
    public const int Record = 2;
    internal const int SampleS16Le = 3;
    private const string Simple = "libpulse-simple.so.0";
    private const string Pulse = "libpulse.so.0";

    [StructLayout(LayoutKind.Sequential)]
    internal struct SampleSpec
    {
        public int Format;
        public uint Rate;
        public byte Channels;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct BufferAttr
    {
        public uint MaxLength;
        public uint TLength;
        public uint PreBuf;
        public uint MinReq;
        public uint FragSize;
    }

    [DllImport(Simple, EntryPoint = "pa_simple_new")]
    private static extern IntPtr New(IntPtr server, IntPtr name, int direction, IntPtr device, IntPtr streamName, ref SampleSpec spec,
        IntPtr map, ref BufferAttr attr, out int error);

    [DllImport(Simple, EntryPoint = "pa_simple_read")]
    public static extern int Read(IntPtr handle, ref byte data, nuint bytes, out int error);

    [DllImport(Simple, EntryPoint = "pa_simple_write")]
    public static extern int Write(IntPtr handle, ref byte data, nuint bytes, out int error);

    [DllImport(Simple, EntryPoint = "pa_simple_drain")]
    public static extern int Drain(IntPtr handle, out int error);

    [DllImport(Simple, EntryPoint = "pa_simple_get_latency")]
    public static extern ulong Latency(IntPtr handle, out int error);

    [DllImport(Simple, EntryPoint = "pa_simple_free")]
    public static extern void Free(IntPtr handle);

    [DllImport(Pulse, EntryPoint = "pa_strerror")]
    private static extern IntPtr StrError(int error);

    /// <summary>Opens a stream of PCM16 at a rate, or throws <see cref="AudioDeviceException"/> saying why.</summary>
    public static IntPtr Open(int direction, string? server, string? device, int sampleRate, int channels, int blockBytes, string what)
    {
        var spec = new SampleSpec { Format = SampleS16Le, Rate = (uint)sampleRate, Channels = (byte)channels };
        var attr = new BufferAttr
        {
            MaxLength = uint.MaxValue,
            TLength = direction == Playback ? (uint)(blockBytes * 4) : uint.MaxValue,
            PreBuf = uint.MaxValue,
            MinReq = uint.MaxValue,
            FragSize = direction == Record ? (uint)blockBytes : uint.MaxValue,
        };
        var serverPtr = Marshal.StringToCoTaskMemUTF8(server);
        var devicePtr = Marshal.StringToCoTaskMemUTF8(device);
        var namePtr = Marshal.StringToCoTaskMemUTF8("AudioSdk");
        var streamPtr = Marshal.StringToCoTaskMemUTF8(what);
        try
        {
            var handle = New(serverPtr, namePtr, direction, devicePtr, streamPtr, ref spec, IntPtr.Zero, ref attr, out var error);
            if (handle == IntPtr.Zero)
            {
                throw new AudioDeviceException($"No {what} device: PulseAudio refused ({Describe(error)}){(device is null ? string.Empty : $" for device '{device}'")}. Is a sound server running (PULSE_SERVER) and a device present?");
            }

            return handle;
        }
        catch (DllNotFoundException ex)
        {
            throw new AudioDeviceException($"No {what} device: libpulse-simple.so.0 is not installed (Debian: apt-get install libpulse0).",
                ex);
        }
        catch (EntryPointNotFoundException ex)
        {
            throw new AudioDeviceException($"No {what} device: the PulseAudio library lacks the simple API.", ex);
        }
        finally
        {
            Marshal.FreeCoTaskMem(serverPtr);
            Marshal.FreeCoTaskMem(devicePtr);
            Marshal.FreeCoTaskMem(namePtr);
            Marshal.FreeCoTaskMem(streamPtr);
        }
    }

    public static string Describe(int error)
    {
        try
        {
            return Marshal.PtrToStringUTF8(StrError(error)) ?? $"error {error}";
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return $"error {error}";
        }
    }
}
