using System.Formats.Asn1;

namespace AudioSdk.Security.Tinfoil.Tdx;

/// <summary>
/// The Intel SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1): the platform's FMSPC and PCE id, and
/// the TCB it was certified at (16 SGX component SVNs and the PCE SVN), and the platform's PPID when it names one.
/// </summary>
internal sealed record PckExtensions(byte[] Fmspc, byte[] PceId, byte[] SgxComponents, int PceSvn)
{
    private const string OidPpid = "1.2.840.113741.1.13.1.1";

    private const string OidSgx = "1.2.840.113741.1.13.1";
    private const string OidTcb = OidSgx + ".2";
    private const string OidPceId = OidSgx + ".3";
    private const string OidFmspc = OidSgx + ".4";
    private const string OidPceSvn = OidTcb + ".17";

    /// <summary>The platform's PPID (16 bytes), the key Tinfoil endorses TDX machines by; null when the certificate has none.</summary>
    public byte[]? Ppid { get; private init; }

    /// <summary>Reads the extension; throws <see cref="FormatException"/> when it is missing or malformed.</summary>
    public static PckExtensions Read(DerCertificate pck)
    {
        if (!pck.Extensions.TryGetValue(OidSgx, out var value))
        {
            throw new FormatException("the PCK certificate has no SGX extension");
        }

        try
        {
            byte[]? fmspc = null;
            byte[]? pceId = null;
            byte[]? ppid = null;
            var components = new byte[16];
            var seen = 0;
            var pceSvn = -1;
            var reader = new AsnReader(value, AsnEncodingRules.DER);
            var list = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            while (list.HasData)
            {
                var entry = list.ReadSequence();
                var oid = entry.ReadObjectIdentifier();
                switch (oid)
                {
                    case OidFmspc:
                        fmspc = entry.ReadOctetString();
                        break;
                    case OidPceId:
                        pceId = entry.ReadOctetString();
                        break;
                    case OidPpid:
                        ppid = entry.ReadOctetString();
                        break;
                    case OidTcb:
                        var tcb = entry.ReadSequence();
                        while (tcb.HasData)
                        {
                            var item = tcb.ReadSequence();
                            var name = item.ReadObjectIdentifier();
                            if (name == OidPceSvn)
                            {
                                pceSvn = Svn(item, 65535);
                            }
                            else if (name.StartsWith(OidTcb + ".", StringComparison.Ordinal)
                                && int.TryParse(name.AsSpan(OidTcb.Length + 1), out var index) && index is >= 1 and <= 16)
                            {
                                components[index - 1] = (byte)Svn(item, 255);
                                seen |= 1 << (index - 1);
                            }
                        }

                        break;
                }
            }

            if (fmspc is not { Length: 6 } || pceId is not { Length: 2 } || seen != 0xFFFF || pceSvn < 0)
            {
                throw new FormatException("the PCK certificate's SGX extension lacks the FMSPC, PCE id or TCB");
            }

            if (ppid is not null and not { Length: 16 })
            {
                throw new FormatException($"the PCK certificate's PPID is {ppid.Length} bytes, not 16");
            }

            return new PckExtensions(fmspc, pceId, components, pceSvn) { Ppid = ppid };
        }
        catch (AsnContentException ex)
        {
            throw new FormatException("the PCK certificate's SGX extension is not valid DER", ex);
        }
    }

    private static int Svn(AsnReader item, int max) =>
        item.TryReadInt32(out var v) && v >= 0 && v <= max ? v : throw new FormatException("an SVN in the PCK certificate is out of range");
}
