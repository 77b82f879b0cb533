using System.Formats.Asn1;
using System.Globalization;

namespace AudioSdk.Security.Tinfoil.Bundle;

/// <summary>
/// The DNS names of a Tinfoil enclave certificate and the values encoded in them: names whose second label is
/// <c>hpke</c> (or <c>hatt</c>) carry, in their first label, a two-digit decimal index followed by a base32 chunk
/// (RFC 4648 alphabet, no padding); the chunks in index order decode to the HPKE public key (or to the attestation
/// hash as ASCII hex). Decoded strictly: indexes 00, 01, ... without gaps or repeats, pad bits zero.
/// </summary>
internal static class EnclaveCertificateNames
{
    private const string SubjectAltName = "2.5.29.17";
    private const string Base32Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>The certificate's dNSName entries, in order; empty when it has no subjectAltName extension.</summary>
    /// <exception cref="AttestationException">The extension is not valid DER (stage Binding).</exception>
    public static IReadOnlyList<string> DnsNames(DerCertificate certificate)
    {
        if (!certificate.Extensions.TryGetValue(SubjectAltName, out var value))
        {
            return [];
        }

        var names = new List<string>();
        try
        {
            var outer = new AsnReader(value, AsnEncodingRules.DER);
            var sequence = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var dnsTag = new Asn1Tag(TagClass.ContextSpecific, 2);
            while (sequence.HasData)
            {
                if (sequence.PeekTag() == dnsTag)
                {
                    names.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, dnsTag));
                }
                else
                {
                    sequence.ReadEncodedValue();
                }
            }
        }
        catch (AsnContentException ex)
        {
            throw Mismatch("CERTIFICATE_SAN_MALFORMED", "the enclave certificate's subject alternative names are not valid DER", ex);
        }

        return names;
    }

    /// <summary>
    /// True when <paramref name="domain"/> equals a name, or matches a <c>*.</c> name one label deep (never the apex),
    /// compared exactly as the official verifier does: the domain must already be canonical lower case.
    /// </summary>
    public static bool Names(IReadOnlyList<string> names, string domain)
    {
        var dot = domain.IndexOf('.', StringComparison.Ordinal);
        var parent = dot > 0 && domain.AsSpan(dot + 1).Contains('.') ? domain[(dot + 1)..] : null;
        return names.Any(n => string.Equals(n, domain, StringComparison.Ordinal)

                || (parent is not null && n.StartsWith("*.", StringComparison.Ordinal)
                && string.Equals(n[2..], parent, StringComparison.Ordinal)));
    }

    /// <summary>Decodes the value encoded in the names labelled <paramref name="label"/> (<c>hpke</c> or <c>hatt</c>).</summary>
    /// <exception cref="AttestationException">No such names, or they do not decode strictly (stage Binding).</exception>
    public static byte[] Decode(IReadOnlyList<string> names, string label, string code)
    {
        var marker = "." + label + ".";
        var chunks = new SortedDictionary<int, string>();
        foreach (var name in names)
        {
            if (!name.Contains(marker, StringComparison.Ordinal))
            {
                continue;
            }

            var labels = name.Split('.');
            if (labels.Length < 3 || !string.Equals(labels[1], label, StringComparison.Ordinal) || labels[0].Length < 3
                || !char.IsAsciiDigit(labels[0][0]) || !char.IsAsciiDigit(labels[0][1])
                || !chunks.TryAdd(int.Parse(labels[0].AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture), labels[0][2..]))
            {
                throw Mismatch(code, $"the enclave certificate's name '{name}' is not an indexed {label} chunk, or repeats an index");
            }
        }

        if (chunks.Count == 0)
        {
            throw Mismatch(code, $"the enclave certificate carries no {label} names");
        }

        if (chunks.Keys.Last() != chunks.Count - 1)
        {
            throw Mismatch(code, $"the enclave certificate's {label} names skip an index");
        }

        return Base32(string.Concat(chunks.Values), label, code);
    }

    private static byte[] Base32(string text, string label, string code)
    {
        var output = new byte[text.Length * 5 / 8];
        int bits = 0, value = 0, at = 0;
        foreach (var c in text)
        {
            var digit = Base32Alphabet.IndexOf(char.ToLowerInvariant(c), StringComparison.Ordinal);
            if (digit < 0)
            {
                throw Mismatch(code, $"the enclave certificate's {label} names are not base32");
            }

            value = ((value << 5) | digit) & 0xFFFF;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output[at++] = (byte)(value >> bits);
            }
        }

        if (bits >= 5 || (value & ((1 << bits) - 1)) != 0)
        {
            throw Mismatch(code, $"the enclave certificate's {label} names are not canonical base32");
        }

        return output;
    }

    private static AttestationException Mismatch(string code, string why, Exception? inner = null) =>
        Reject.With(AttestationStage.Binding, code, why, inner);
}
