using System.Runtime.CompilerServices;
using AudioSdk;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Start-up validation: one failure listing every problem of a client's options, configuration reading included.</summary>
internal sealed class AudioClientOptionsValidator : IValidateOptions<AudioClientOptions>
{
    public ValidateOptionsResult Validate(string? name, AudioClientOptions options)
    {
        var problems = BindingProblems.Get(options).ToList();
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            problems.Add(ex.Message);
        }

        return problems.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"AudioClient '{(string.IsNullOrEmpty(name) ? "(default)" : name)}' is misconfigured: " + string.Join(" ", problems));
    }
}

/// <summary>Problems found while reading configuration, attached to the options object they concern.</summary>
internal static class BindingProblems
{
    private static readonly ConditionalWeakTable<AudioClientOptions, List<string>> Table = new();

    public static void Set(AudioClientOptions options, List<string> problems) => Table.AddOrUpdate(options, problems);

    public static IReadOnlyList<string> Get(AudioClientOptions options) => Table.TryGetValue(options, out var problems) ? problems : [];
}
