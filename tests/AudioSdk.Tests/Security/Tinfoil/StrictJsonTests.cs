using System.Text;
using System.Text.Json;
using AudioSdk.Security;
using AudioSdk.Security.Tinfoil.V3;

namespace AudioSdk.Tests.Security.Tinfoil;

/// <summary>
/// Strict JSON for signed documents: each refusal (not UTF-8, not one JSON value, too deep, a duplicate member at any
/// depth, an object of the wrong shape, a member of the wrong type or encoding) at stage Envelope with its reason,
/// and what passes.
/// </summary>
public sealed class StrictJsonTests
{
    [Fact]
    public void Parse_RefusesWhatIsNotOneStrictJsonValue()
    {
        Refused(() => StrictJson.Parse(new byte[] { (byte)'"', 0xC3, (byte)'"' }, "the doc"), "the doc is not valid UTF-8");
        Refused(() => StrictJson.Parse("{} {}"u8.ToArray(), "the doc"), "the doc is not a single JSON value");
        Refused(() => StrictJson.Parse(Encoding.ASCII.GetBytes(new string('[', 33) + new string(']', 33)), "the doc"), "not a single JSON value");
        using (StrictJson.Parse(Encoding.ASCII.GetBytes(new string('[', 32) + new string(']', 32)), "the doc"))
        {
        }

        foreach (var duplicated in new[] { """{"a":1,"a":1}""", """{"a":{"b":1,"b":2}}""", """[{"a":1},{"b":[{"c":1,"c":1}]}]""", """{"x":[1,{"y":{"z":1,"z":1}}]}""" })
        {
            Refused(() => StrictJson.Parse(Encoding.UTF8.GetBytes(duplicated), "the doc"), "the doc has a duplicate member");
        }

        using var fine = StrictJson.Parse("""{"a":{"b":1},"b":[{"a":1},{"a":2}],"c":"a"}"""u8.ToArray(), "the doc");
        Assert.Equal(3, fine.RootElement.EnumerateObject().Count());
        using var caseDiffers = StrictJson.Parse("""{"a":1,"A":1}"""u8.ToArray(), "the doc");
        using var scalar = StrictJson.Parse("7"u8.ToArray(), "the doc");
        Assert.Equal(7, scalar.RootElement.GetInt32());
    }

    [Fact]
    public void Object_HasEveryRequiredMember_AndOnlyKnownOptionalOnes()
    {
        using var doc = JsonDocument.Parse("""{"a":1,"b":2,"o":3}""");
        var root = doc.RootElement;
        StrictJson.Object(root, "x", ["a", "b"], "o", "p");
        Refused(() => StrictJson.Object(root, "x", ["a", "b"], "p"), "x has an unknown member 'o'");
        Refused(() => StrictJson.Object(root, "x", ["a", "b", "c"], "o"), "x lacks one of a, b, c");
        Refused(() => StrictJson.Object(root, "x", ["a"], "o"), "x has an unknown member 'b'");
        StrictJson.Object(root, "x", [], "a", "b", "o");
        Refused(() => StrictJson.Object(root.GetProperty("a"), "x.a", []), "x.a is not an object");
        using var array = JsonDocument.Parse("[]");
        Refused(() => StrictJson.Object(array.RootElement, "list", []), "list is not an object");
    }

    [Fact]
    public void Members_AreStringsOfTheirEncoding()
    {
        using var doc = JsonDocument.Parse("""{"s":"text","n":1,"h":"0a1b","H":"0A1B","b":"AQID","u":"AQI","p":"AQI=","q":"AQJ=","nul":null}""");
        var root = doc.RootElement;
        Assert.Equal("text", StrictJson.String(root, "s", "x"));
        Refused(() => StrictJson.String(root, "n", "x"), "x.n is not a string");
        Refused(() => StrictJson.String(root, "nul", "x"), "x.nul is not a string");
        Assert.Equal(new byte[] { 0x0a, 0x1b }, StrictJson.Hex(root, "h", "x", 2));
        Refused(() => StrictJson.Hex(root, "H", "x", 2), "x.H is not 2 bytes of lowercase hex");
        Refused(() => StrictJson.Hex(root, "h", "x", 3), "x.h is not 3 bytes of lowercase hex");
        Refused(() => StrictJson.Hex(root, "n", "x", 1), "x.n is not a string");
        Assert.Equal(new byte[] { 1, 2, 3 }, StrictJson.Base64(root, "b", "x"));
        Assert.Equal(new byte[] { 1, 2 }, StrictJson.Base64(root, "p", "x"));
        Refused(() => StrictJson.Base64(root, "u", "x"), "x.u is not canonical base64");
        Refused(() => StrictJson.Base64(root, "q", "x"), "x.q is not canonical base64");
        Refused(() => StrictJson.Base64(root, "n", "x"), "x.n is not a string");
    }

    private static void Refused(Action action, string reason)
    {
        var ex = Assert.ThrowsAny<AttestationException>(action);
        Assert.Equal((AttestationStage.Envelope, "ENVELOPE_REJECTED"), (ex.Stage, ex.Code));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }
}
