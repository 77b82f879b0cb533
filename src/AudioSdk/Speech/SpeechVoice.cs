using System.ComponentModel;

namespace AudioSdk.Speech;

/// <summary>
/// A text-to-speech voice: a built-in name (OpenAI's, Qwen3-TTS's and Voxtral TTS's are properties
/// here; any other string converts implicitly) or a custom voice id sent as <c>{"id": ...}</c>.
/// </summary>
public readonly struct SpeechVoice : IEquatable<SpeechVoice>
{
    private readonly string? _value;

    /// <summary>Creates a voice from its name.</summary>
    /// <param name="value">The voice name as the provider spells it.</param>
    public SpeechVoice(string value)
        : this(value, false)
    {
    }

    private SpeechVoice(string value, bool isCustom)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value;
        IsCustom = isCustom;
    }

#pragma warning disable CS1591 // Voice names document themselves.
    // OpenAI.
    public static SpeechVoice Alloy { get; } = new("alloy");
    public static SpeechVoice Ash { get; } = new("ash");
    public static SpeechVoice Ballad { get; } = new("ballad");
    public static SpeechVoice Coral { get; } = new("coral");
    public static SpeechVoice Echo { get; } = new("echo");
    public static SpeechVoice Fable { get; } = new("fable");
    public static SpeechVoice Nova { get; } = new("nova");
    public static SpeechVoice Onyx { get; } = new("onyx");
    public static SpeechVoice Sage { get; } = new("sage");
    public static SpeechVoice Shimmer { get; } = new("shimmer");
    public static SpeechVoice Verse { get; } = new("verse");
    public static SpeechVoice Marin { get; } = new("marin");
    public static SpeechVoice Cedar { get; } = new("cedar");

    // Qwen3-TTS CustomVoice speakers, spelled as Tinfoil documents them (lower case; Qwen3-TTS matches speakers without regard to case).
    public static SpeechVoice Vivian { get; } = new("vivian");
    public static SpeechVoice Serena { get; } = new("serena");
    public static SpeechVoice UncleFu { get; } = new("uncle_fu");
    public static SpeechVoice Dylan { get; } = new("dylan");
    public static SpeechVoice Eric { get; } = new("eric");
    public static SpeechVoice Ryan { get; } = new("ryan");
    public static SpeechVoice Aiden { get; } = new("aiden");
    public static SpeechVoice OnoAnna { get; } = new("ono_anna");
    public static SpeechVoice Sohee { get; } = new("sohee");

    // Voxtral TTS preset voices.
    public static SpeechVoice CasualMale { get; } = new("casual_male");
    public static SpeechVoice CasualFemale { get; } = new("casual_female");
    public static SpeechVoice CheerfulFemale { get; } = new("cheerful_female");
    public static SpeechVoice NeutralMale { get; } = new("neutral_male");
    public static SpeechVoice NeutralFemale { get; } = new("neutral_female");
    public static SpeechVoice FrenchMale { get; } = new("fr_male");
    public static SpeechVoice FrenchFemale { get; } = new("fr_female");
    public static SpeechVoice SpanishMale { get; } = new("es_male");
    public static SpeechVoice SpanishFemale { get; } = new("es_female");
    public static SpeechVoice GermanMale { get; } = new("de_male");
    public static SpeechVoice GermanFemale { get; } = new("de_female");
    public static SpeechVoice ItalianMale { get; } = new("it_male");
    public static SpeechVoice ItalianFemale { get; } = new("it_female");
    public static SpeechVoice PortugueseMale { get; } = new("pt_male");
    public static SpeechVoice PortugueseFemale { get; } = new("pt_female");
    public static SpeechVoice DutchMale { get; } = new("nl_male");
    public static SpeechVoice DutchFemale { get; } = new("nl_female");
    public static SpeechVoice ArabicMale { get; } = new("ar_male");
    public static SpeechVoice HindiMale { get; } = new("hi_male");
    public static SpeechVoice HindiFemale { get; } = new("hi_female");
#pragma warning restore CS1591

    /// <summary>OpenAI's 13 built-in voices.</summary>
    public static IReadOnlyList<SpeechVoice> OpenAIVoices { get; } = [Alloy, Ash, Ballad, Coral, Echo, Fable, Nova, Onyx, Sage, Shimmer,
        Verse, Marin, Cedar];

    /// <summary>Qwen3-TTS's 9 CustomVoice speakers.</summary>
    public static IReadOnlyList<SpeechVoice> Qwen3TtsVoices { get; } = [Vivian, Serena, UncleFu, Dylan, Eric, Ryan, Aiden, OnoAnna, Sohee];

    /// <summary>Voxtral TTS's 20 preset voices.</summary>
    public static IReadOnlyList<SpeechVoice> VoxtralTtsVoices { get; } =
    [
        CasualMale, CasualFemale, CheerfulFemale, NeutralMale, NeutralFemale, FrenchMale, FrenchFemale, SpanishMale, SpanishFemale, GermanMale,
        GermanFemale, ItalianMale, ItalianFemale, PortugueseMale, PortugueseFemale, DutchMale, DutchFemale, ArabicMale, HindiMale, HindiFemale,
    ];

    /// <summary>True for a custom voice id, sent as <c>{"id": ...}</c> rather than a name.</summary>
    public bool IsCustom { get; }

    /// <summary>A custom voice (such as a cloned voice <c>voice_1234</c>), sent as <c>{"id": ...}</c>.</summary>
    /// <param name="id">The custom voice's id.</param>
    public static SpeechVoice Custom(string id) => new(id, true);

    /// <summary>Compares two voices by name, ignoring case, and by kind.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator ==(SpeechVoice left, SpeechVoice right) => left.Equals(right);

    /// <summary>Compares two voices by name, ignoring case, and by kind.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    public static bool operator !=(SpeechVoice left, SpeechVoice right) => !left.Equals(right);

    /// <summary>Converts a voice name to a voice.</summary>
    /// <param name="value">The voice name.</param>
    public static implicit operator SpeechVoice(string value) => new(value);

    /// <inheritdoc />
    public bool Equals(SpeechVoice other) => IsCustom == other.IsCustom
        && string.Equals(_value, other._value, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override bool Equals(object? obj) => obj is SpeechVoice other && Equals(other);

    /// <inheritdoc />
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>The voice name or custom id.</summary>
    public override string ToString() => _value ?? string.Empty;
}
