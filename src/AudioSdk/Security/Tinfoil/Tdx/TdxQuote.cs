using System.Buffers.Binary;

namespace AudioSdk.Security.Tinfoil.Tdx;

/// <summary>
/// An Intel TDX DCAP quote, version 4: a 48-byte header, the 584-byte TD report body, and the ECDSA signature data
/// (quote signature, attestation key, and the certification data: the quoting enclave's report, its signature by
/// the PCK, the QE authentication data and the PCK certificate chain). All integers are little-endian. Parsing only
/// checks the structure; <see cref="TdxVerifier"/> checks what it means.
/// </summary>
internal sealed class TdxQuote
{
    public const int HeaderSize = 48;
    public const int BodySize = 584;
    public const int QeReportSize = 384;
    public const ushort Version4 = 4;
    public const ushort AttestationKeyEcdsaP256 = 2;
    public const uint TeeTypeTdx = 0x81;
    public const int MaxSize = 64 * 1024;
    private const ushort CertificationQeReport = 6;
    private const ushort CertificationPckChain = 5;

    /// <summary>Intel's quoting enclave vendor id.</summary>
    public static ReadOnlySpan<byte> IntelQeVendorId =>
        [0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9, 0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07];

    private readonly byte[] _bytes;

    private TdxQuote(byte[] bytes)
    {
        _bytes = bytes;
    }

    public ushort Version => BinaryPrimitives.ReadUInt16LittleEndian(_bytes);
    public ushort AttestationKeyType => BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(2));
    public uint TeeType => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(4));
    public ReadOnlySpan<byte> QeVendorId => _bytes.AsSpan(12, 16);
    public ReadOnlySpan<byte> UserData => _bytes.AsSpan(28, 20);

    /// <summary>The quoting enclave's SVN as the header reports it (bytes 8-9).</summary>
    public ushort HeaderQeSvn => BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(8));

    /// <summary>The PCE SVN as the header reports it (bytes 10-11).</summary>
    public ushort HeaderPceSvn => BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(10));

    /// <summary>How many bytes follow the declared signature data (they belong to no structure).</summary>
    public int TrailingLength { get; private init; }

    /// <summary>Header and TD report body: what the attestation key signs.</summary>
    public ReadOnlySpan<byte> SignedBytes => _bytes.AsSpan(0, HeaderSize + BodySize);

    public ReadOnlySpan<byte> TeeTcbSvn => Body(0, 16);
    public ReadOnlySpan<byte> MrSeam => Body(16, 48);
    public ReadOnlySpan<byte> MrSignerSeam => Body(64, 48);
    public ReadOnlySpan<byte> SeamAttributes => Body(112, 8);
    public ReadOnlySpan<byte> TdAttributes => Body(120, 8);
    public ReadOnlySpan<byte> Xfam => Body(128, 8);
    public ReadOnlySpan<byte> MrTd => Body(136, 48);
    public ReadOnlySpan<byte> MrConfigId => Body(184, 48);
    public ReadOnlySpan<byte> MrOwner => Body(232, 48);
    public ReadOnlySpan<byte> MrOwnerConfig => Body(280, 48);
    public ReadOnlySpan<byte> ReportData => Body(520, 64);

    public ulong TdAttributesValue => BinaryPrimitives.ReadUInt64LittleEndian(TdAttributes);
    public ulong XfamValue => BinaryPrimitives.ReadUInt64LittleEndian(Xfam);

    /// <summary>The quote signature, r || s (big-endian, 32 bytes each).</summary>
    public required byte[] Signature { get; init; }

    /// <summary>The attestation key: the P-256 point x || y (big-endian, 32 bytes each).</summary>
    public required byte[] AttestationKey { get; init; }

    /// <summary>The quoting enclave's SGX report body (384 bytes), signed by the PCK.</summary>
    public required byte[] QeReport { get; init; }

    /// <summary>The QE report signature, r || s.</summary>
    public required byte[] QeReportSignature { get; init; }

    public required byte[] QeAuthenticationData { get; init; }

    /// <summary>The PCK certificate chain as PEM text (leaf, intermediate, root).</summary>
    public required string PckChainPem { get; init; }

    public ReadOnlySpan<byte> QeReportData => QeReport.AsSpan(320, 64);
    public ReadOnlySpan<byte> QeMrSigner => QeReport.AsSpan(128, 32);
    public uint QeMiscSelect => BinaryPrimitives.ReadUInt32LittleEndian(QeReport.AsSpan(16));
    public ReadOnlySpan<byte> QeAttributes => QeReport.AsSpan(48, 16);
    public ushort QeIsvProdId => BinaryPrimitives.ReadUInt16LittleEndian(QeReport.AsSpan(256));
    public ushort QeIsvSvn => BinaryPrimitives.ReadUInt16LittleEndian(QeReport.AsSpan(258));

    /// <summary>RTMR0..3.</summary>
    public ReadOnlySpan<byte> Rtmr(int index) => Body(328 + (48 * index), 48);

    /// <summary>The five TDX registers in Tinfoil's order: MRTD, RTMR0..3.</summary>
    public Measurement ToMeasurement() =>
        new(Measurement.TdxGuestV2, [Hex.Lower(MrTd), Hex.Lower(Rtmr(0)), Hex.Lower(Rtmr(1)), Hex.Lower(Rtmr(2)), Hex.Lower(Rtmr(3))]);

    /// <summary>Parses a quote; the header is checked before anything else is read.</summary>
    /// <exception cref="AttestationException">Stage Report: QUOTE_TRUNCATED, QUOTE_FORMAT_UNSUPPORTED, WRONG_TEE_TYPE,
    /// ATTESTATION_KEY_TYPE_UNSUPPORTED or QE_VENDOR_UNKNOWN.</exception>
    public static TdxQuote Parse(ReadOnlySpan<byte> quote)
    {
        if (quote.Length < HeaderSize)
        {
            throw Fail("QUOTE_TRUNCATED", $"a quote header is {HeaderSize} bytes; {quote.Length} were given");
        }

        if (quote.Length > MaxSize)
        {
            throw Fail("QUOTE_FORMAT_UNSUPPORTED", $"the quote is {quote.Length} bytes, more than {MaxSize}");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(quote);
        if (version != Version4)
        {
            throw Fail("QUOTE_FORMAT_UNSUPPORTED", $"quote version {version} is not supported (4 is)");
        }

        var keyType = BinaryPrimitives.ReadUInt16LittleEndian(quote[2..]);
        var teeType = BinaryPrimitives.ReadUInt32LittleEndian(quote[4..]);
        if (teeType != TeeTypeTdx)
        {
            throw Fail("WRONG_TEE_TYPE", $"TEE type 0x{teeType:x} is not TDX (0x81)");
        }

        if (keyType != AttestationKeyEcdsaP256)
        {
            throw Fail("ATTESTATION_KEY_TYPE_UNSUPPORTED", $"attestation key type {keyType} is not ECDSA P-256 (2)");
        }

        if (!quote.Slice(12, 16).SequenceEqual(IntelQeVendorId))
        {
            throw Fail("QE_VENDOR_UNKNOWN", $"QE vendor {Hex.Lower(quote.Slice(12, 16))} is not Intel");
        }

        var sizeReader = new Reader(quote, HeaderSize + BodySize);
        var signedSize = sizeReader.UInt32("the signature data size");
        if (signedSize > (uint)sizeReader.Remaining)
        {
            throw Fail("QUOTE_TRUNCATED", $"the signature data is said to be {signedSize} bytes but {sizeReader.Remaining} follow");
        }

        // Bytes after the declared signature data belong to no structure (Intel's sample quotes carry some); they are ignored.
        var reader = new Reader(quote[..(sizeReader.Position + (int)signedSize)], sizeReader.Position);

        var signature = reader.Bytes(64, "the quote signature");
        var key = reader.Bytes(64, "the attestation key");
        var certType = reader.UInt16("the certification data type");
        var certSize = reader.UInt32("the certification data size");
        if (certType != CertificationQeReport || certSize != (uint)reader.Remaining)
        {
            throw Fail("QUOTE_FORMAT_UNSUPPORTED",
                $"the certification data is type {certType} of {certSize} bytes, not the QE report certification data (6) filling the quote");
        }

        var qeReport = reader.Bytes(QeReportSize, "the QE report");
        var qeSignature = reader.Bytes(64, "the QE report signature");
        var authSize = reader.UInt16("the QE authentication data size");
        var auth = reader.Bytes(authSize, "the QE authentication data");
        var chainType = reader.UInt16("the PCK certification data type");
        var chainSize = reader.UInt32("the PCK certification data size");
        if (chainType != CertificationPckChain || chainSize != (uint)reader.Remaining)
        {
            throw Fail("QUOTE_FORMAT_UNSUPPORTED",
                $"the inner certification data is type {chainType} of {chainSize} bytes, not a PCK chain (5) filling the quote");
        }

        var chain = reader.Bytes((int)chainSize, "the PCK certificate chain");
        return new TdxQuote(quote.ToArray())
        {
            TrailingLength = quote.Length - (sizeReader.Position + (int)signedSize),
            Signature = signature,
            AttestationKey = key,
            QeReport = qeReport,
            QeReportSignature = qeSignature,
            QeAuthenticationData = auth,
            PckChainPem = System.Text.Encoding.ASCII.GetString(chain.AsSpan().TrimEnd((byte)0)),
        };
    }

    private ReadOnlySpan<byte> Body(int offset, int length) => _bytes.AsSpan(HeaderSize + offset, length);

    private static AttestationException Fail(string code, string why) => Reject.With(AttestationStage.Report, code, why);

    private ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _data;

        public Reader(ReadOnlySpan<byte> data, int position)
        {
            _data = data;
            Position = position;
        }

        public int Position { get; private set; }

        public readonly int Remaining => _data.Length - Position;

        public ushort UInt16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));

        public uint UInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

        public byte[] Bytes(int length, string what) => Take(length, what).ToArray();

        private ReadOnlySpan<byte> Take(int length, string what)
        {
            if (length > Remaining)
            {
                throw Fail("QUOTE_TRUNCATED", $"the quote ends inside {what}");
            }

            var span = _data.Slice(Position, length);
            Position += length;
            return span;
        }
    }
}
