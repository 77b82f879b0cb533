using System.Buffers.Binary;
using System.Security.Cryptography;

namespace AudioSdk.Security.Ehbp;

/// <summary>
/// AES-256-GCM over a sequence of frames: frame i uses <c>base_nonce XOR I2OSP(i, 12)</c> and empty AAD, as both
/// the HPKE context (requests) and EHBP's response scheme do. Not thread-safe: one direction of one exchange.
/// </summary>
internal sealed class FrameCipher : IDisposable
{
    private readonly AesGcm _aes;
    private readonly byte[] _baseNonce;
    private readonly byte[] _nonce = new byte[Hpke.NonceLength];
    private ulong _sequence;
    private bool _failed;

    public FrameCipher(byte[] key, byte[] baseNonce)
    {
        _aes = new AesGcm(key, Hpke.TagLength);
        _baseNonce = baseNonce;
    }

    /// <summary>How many frames were sealed or opened.</summary>
    public ulong Sequence => _sequence;

    /// <summary>The nonce of frame <paramref name="sequence"/>.</summary>
    public static void ComputeNonce(ReadOnlySpan<byte> baseNonce, ulong sequence, Span<byte> nonce)
    {
        baseNonce.CopyTo(nonce);
        var tail = BinaryPrimitives.ReadUInt64BigEndian(nonce[4..]) ^ sequence;
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], tail);
    }

    /// <summary>Seals the next frame: <paramref name="destination"/> receives ciphertext then tag (plaintext + 16 bytes).</summary>
    public void Seal(ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        NextNonce();
        _aes.Encrypt(_nonce, plaintext, destination[..plaintext.Length], destination.Slice(plaintext.Length, Hpke.TagLength));
    }

    /// <summary>
    /// Opens the next frame (ciphertext then tag) into <paramref name="plaintext"/>; false when the tag does not
    /// verify, after which the cipher refuses every later frame. Nothing in <paramref name="plaintext"/> is valid then.
    /// </summary>
    public bool TryOpen(ReadOnlySpan<byte> frame, Span<byte> plaintext)
    {
        if (_failed || frame.Length < Hpke.TagLength)
        {
            _failed = true;
            return false;
        }

        NextNonce();
        var length = frame.Length - Hpke.TagLength;
        try
        {
            _aes.Decrypt(_nonce, frame[..length], frame[length..], plaintext[..length]);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            _failed = true;
            return false;
        }
    }

    public void Dispose() => _aes.Dispose();

    private void NextNonce()
    {
        if (_sequence == ulong.MaxValue)
        {
            throw new CryptographicException("The frame sequence number is exhausted.");
        }

        ComputeNonce(_baseNonce, _sequence++, _nonce);
    }
}
