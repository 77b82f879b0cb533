namespace AudioSdk.Tests;

public sealed class RuntimeTests
{
    /// <summary>The suite runs on each runtime the packages target: this proves which one a run used.</summary>
    [Fact]
    public void TheSuite_RunsOnTheRuntimeItWasBuiltFor()
    {
#if NET10_0_OR_GREATER
        const int expected = 10;
#else
        const int expected = 8;
#endif
        Assert.Equal(expected, Environment.Version.Major);
        Assert.Equal(expected, typeof(AudioClient).Assembly.GetCustomAttributes(typeof(System.Runtime.Versioning.TargetFrameworkAttribute), false)
            .Cast<System.Runtime.Versioning.TargetFrameworkAttribute>().Select(a => Version.Parse(a.FrameworkName.Split("Version=v")[1]).Major).Single());
    }
}
