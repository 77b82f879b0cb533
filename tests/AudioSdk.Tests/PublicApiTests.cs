using System.Reflection;
using System.Text;

namespace AudioSdk.Tests;

/// <summary>
/// Renders the public surface of the shipped assemblies and compares it with the checked-in text, so
/// every change to the public API is a deliberate, reviewed diff. On a mismatch the new rendering is
/// written beside the expected file as <c>.received.txt</c>.
/// </summary>
public sealed class PublicApiTests
{
    [Theory]
    [InlineData("AudioSdk")]
    [InlineData("AudioSdk.Testing")]
    [InlineData("AudioSdk.Extensions.DependencyInjection")]
    [InlineData("AudioSdk.Extensions.AI")]
    [InlineData("AudioSdk.Devices")]
    public void PublicSurface_MatchesTheCheckedInFile(string assemblyName)
    {
        var assembly = Assembly.Load(assemblyName);
        var actual = Render(assembly);
        var expectedPath = Path.Combine(AppContext.BaseDirectory, "PublicApi", assemblyName + ".txt");
        var sourcePath = Path.Combine(FindRepoRoot(), "tests", "AudioSdk.Tests", "PublicApi", assemblyName + ".txt");
        var expected = File.Exists(expectedPath) ? File.ReadAllText(expectedPath).ReplaceLineEndings("\n") : string.Empty;
        if (expected != actual)
        {
            File.WriteAllText(Path.ChangeExtension(sourcePath, ".received.txt"), actual);
        }

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void EveryPublicServiceMethod_IsVirtual_AndTakesACancellationToken()
    {
        var methods = typeof(AudioClient).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.Name.EndsWith("Async", StringComparison.Ordinal));
        Assert.NotEmpty(methods);
        Assert.All(methods, m =>
        {
            Assert.True(m.IsVirtual, m.Name + " is not virtual");
            Assert.Equal(typeof(CancellationToken), m.GetParameters()[^1].ParameterType);
        });
    }

    private static string Render(Assembly assembly)
    {
        var sb = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            sb.Append(Kind(type)).Append(' ').Append(Name(type));
            if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum))
            {
                sb.Append(" : ").Append(Name(b));
            }

            sb.Append('\n');
            var members = type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Concat(type.GetMembers(BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(m => m is MethodBase { IsFamily: true } or MethodBase { IsFamilyOrAssembly: true }))
                .Select(Member)
                .Where(m => m is not null)
                .OrderBy(m => m, StringComparer.Ordinal);
            foreach (var member in members)
            {
                sb.Append("  ").Append(member).Append('\n');
            }
        }

        return sb.ToString();
    }

    private static string? Member(MemberInfo member) => member switch
    {
        ConstructorInfo c => $"{(c.IsFamily ? "protected " : string.Empty)}ctor({Parameters(c)})",
        MethodInfo m when m.IsSpecialName && !m.Name.StartsWith("op_", StringComparison.Ordinal) => null,
        MethodInfo m => $"{(m.IsStatic ? "static " : m.IsVirtual && !m.IsFinal ? "virtual " : string.Empty)}{(m.IsFamily ? "protected " : string.Empty)}{Name(m.ReturnType)} {m.Name}({Parameters(m)})",
        PropertyInfo p => $"{(p.GetMethod?.IsStatic == true ? "static " : string.Empty)}{Name(p.PropertyType)} {p.Name} {{ {(p.GetMethod?.IsPublic == true ? "get; " : string.Empty)}{(p.SetMethod?.IsPublic == true ? (p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.Name == "IsExternalInit") ? "init; " : "set; ") : string.Empty)}}}",
        FieldInfo f when f.DeclaringType!.IsEnum && f.IsStatic => $"{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static readonly " : string.Empty)}{Name(f.FieldType)} {f.Name}",
        EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
        _ => null,
    };

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p => Name(p.ParameterType) + " " + p.Name + (p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)));

    private static string Kind(Type t) =>
        t.IsEnum ? "enum" : t.IsValueType ? "struct" : t.IsInterface ? "interface" : t.IsAbstract && t.IsSealed ? "static class" : t.IsSealed ? "sealed class" : t.IsAbstract ? "abstract class" : "class";

    private static string Name(Type t)
    {
        if (Nullable.GetUnderlyingType(t) is { } inner)
        {
            return Name(inner) + "?";
        }

        if (t.IsByRef)
        {
            return "ref " + Name(t.GetElementType()!);
        }

        if (t.IsArray)
        {
            return Name(t.GetElementType()!) + "[]";
        }

        if (!t.IsGenericType)
        {
            return t.FullName ?? t.Name;
        }

        var name = t.GetGenericTypeDefinition().FullName!;
        name = name[..name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", t.GetGenericArguments().Select(Name))}>";
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AudioSdk.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? AppContext.BaseDirectory;
    }
}
