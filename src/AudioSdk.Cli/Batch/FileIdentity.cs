using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace AudioSdk.Cli.Batch;

/// <summary>What a path is after following links: a regular file, a folder or something else (FIFO, device, socket).</summary>
internal enum FileKind
{
    Missing,
    Regular,
    Directory,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    Other,
}

/// <summary>
/// A path's kind and identity (device and inode on Linux and macOS, read with <c>stat</c> without opening the file, so a
/// FIFO never blocks), so a folder walk can tell one real file or folder reached through several links. Elsewhere, or
/// when <c>stat</c> is not available, the kind comes from .NET and the identity is the path with links resolved.
/// </summary>
internal readonly record struct FileIdentity(FileKind Kind, string Id)
{
    private const int StatBufferSize = 256;

    // The layouts of struct stat read below: Linux on x64 and arm64, macOS on arm64 (64-bit inodes).
    private static bool _nativeUnavailable = !((OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64)
        || (OperatingSystem.IsMacOS() && RuntimeInformation.ProcessArchitecture == Architecture.Arm64));

    /// <summary>The kind of a non-regular file, for a skip reason.</summary>
    public string Describe() => Kind switch
    {
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.Directory => "a folder",
        FileKind.Missing => "missing (a broken link?)",
        _ => "not a regular file",
    };

    /// <summary>Looks at a path, following links; never opens it.</summary>
    public static FileIdentity Of(string path)
    {
        if (!Volatile.Read(ref _nativeUnavailable))
        {
            try
            {
                var buffer = new byte[StatBufferSize];
                if (NativeMethods.Stat(path, buffer) != 0)
                {
                    return new FileIdentity(FileKind.Missing, path);
                }

                return FromStat(buffer);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                Volatile.Write(ref _nativeUnavailable, true);
            }
        }

        return Managed(path);
    }

    private static FileIdentity FromStat(ReadOnlySpan<byte> stat)
    {
        ulong device, inode;
        uint mode;
        if (OperatingSystem.IsMacOS())
        {
            device = BinaryPrimitives.ReadUInt32LittleEndian(stat);
            mode = BinaryPrimitives.ReadUInt16LittleEndian(stat[4..]);
            inode = BinaryPrimitives.ReadUInt64LittleEndian(stat[8..]);
        }
        else
        {
            device = BinaryPrimitives.ReadUInt64LittleEndian(stat);
            inode = BinaryPrimitives.ReadUInt64LittleEndian(stat[8..]);
            mode = BinaryPrimitives.ReadUInt32LittleEndian(stat[(RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16)..]);
        }

        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Other,
        };
        return new FileIdentity(kind, $"{device}:{inode}");
    }

    private static FileIdentity Managed(string path)
    {
        try
        {
            FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
            if (!info.Exists)
            {
                return new FileIdentity(FileKind.Missing, path);
            }

            var target = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) ?? info;
            return new FileIdentity(info is DirectoryInfo ? FileKind.Directory : FileKind.Regular, Path.GetFullPath(target.FullName));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new FileIdentity(FileKind.Missing, path);
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
        public static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);
    }
}
