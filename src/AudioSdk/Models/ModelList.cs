using System.Collections;

namespace AudioSdk.Models;

/// <summary>The models a service lists, with the response's metadata.</summary>
public sealed class ModelList : IReadOnlyList<ModelInfo>
{
    private readonly IReadOnlyList<ModelInfo> _models;

    /// <summary>Creates a list; <see cref="AudioModelFactory"/> offers the same for tests.</summary>
    /// <param name="models">The models.</param>
    /// <param name="metadata">The response's metadata.</param>
    public ModelList(IReadOnlyList<ModelInfo> models, ResponseMetadata metadata)
    {
        _models = models ?? throw new ArgumentNullException(nameof(models));
        Metadata = metadata ?? throw new ArgumentNullException(nameof(metadata));
    }

    /// <summary>The response's status, request id and headers.</summary>
    public ResponseMetadata Metadata { get; }

    /// <inheritdoc />
    public int Count => _models.Count;

    /// <inheritdoc />
    public ModelInfo this[int index] => _models[index];

    /// <inheritdoc />
    public IEnumerator<ModelInfo> GetEnumerator() => _models.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
