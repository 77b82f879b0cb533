using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AudioSdk.Security.Tinfoil.Tdx;

/// <summary>
/// Intel PCS signed JSON (<c>{"tcbInfo": {...}, "signature": "hex"}</c> or <c>{"enclaveIdentity": ...}</c>): the
/// signature is ECDSA P-256 (r || s) over the inner object's bytes exactly as served, by the Intel SGX TCB Signing key.
/// </summary>
internal static class SignedCollateral
{
    public const int MaxBytes = 256 * 1024;

    /// <summary>Parses, verifies the signature by <paramref name="signer"/> and returns the signed body (a clone).</summary>
    /// <returns><see langword="null"/> when the text does not parse or the signature does not verify.</returns>
    public static JsonElement? Verify(string json, string member, DerCertificate signer)
    {
        if (json.Length > MaxBytes)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(member, out var body)
                || body.ValueKind != JsonValueKind.Object ||
                !root.TryGetProperty("signature", out var signatureText) || signatureText.ValueKind != JsonValueKind.String ||
                root.EnumerateObject().Count() != 2)
            {
                return null;
            }

            var signature = Hex.TryDecode(signatureText.GetString());
            if (signature is not { Length: 64 })
            {
                return null;
            }

            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(signer.SubjectPublicKeyInfo.Span, out _);
            if (key.KeySize != 256
                || !key.VerifyData(Encoding.UTF8.GetBytes(body.GetRawText()), signature, HashAlgorithmName.SHA256,
                DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            {
                return null;
            }

            return body.Clone();
        }
        catch (Exception ex) when (ex is JsonException or CryptographicException or PlatformNotSupportedException)
        {
            return null;
        }
    }

    public static string String(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v)
            && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new FormatException($"'{name}' is not a string");

    public static int Int(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i)
            && i >= 0 ? i : throw new FormatException($"'{name}' is not a non-negative integer");

    public static byte[] HexBytes(JsonElement o, string name, int length) =>
        Hex.TryDecode(String(o, name)) is { } bytes
            && bytes.Length == length ? bytes : throw new FormatException($"'{name}' is not {length} bytes of hex");

    public static DateTimeOffset Time(JsonElement o, string name) =>
        DateTimeOffset.TryParseExact(String(o, name), ["yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss.FFFFFFFZ"],
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw new FormatException($"'{name}' is not a UTC time");

    public static JsonElement.ArrayEnumerator Array(JsonElement o, string name, int max) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            && v.GetArrayLength() <= max ? v.EnumerateArray() : throw new FormatException($"'{name}' is not an array of at most {max}");

    public static bool Masked(ReadOnlySpan<byte> actual, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> mask)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            if ((actual[i] & mask[i]) != (expected[i] & mask[i]))
            {
                return false;
            }
        }

        return true;
    }
}
