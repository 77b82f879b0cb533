namespace AudioSdk.Tests.Infrastructure;

/// <summary>Checks on the SDK's one transport failure type: a timeout or a broken connection, with its cause kept.</summary>
internal static class Transport
{
    /// <summary>Asserts a transport failure that is (or is not) a timeout, whose cause is one of <paramref name="causes"/> when given.</summary>
    public static AudioTransportException Failure(Exception? error, bool timeout, params Type[] causes)
    {
        var ex = Assert.IsType<AudioTransportException>(error);
        Assert.Equal(timeout, ex.IsTimeout);
        Assert.NotNull(ex.InnerException);
        if (causes.Length > 0)
        {
            Assert.True(causes.Any(c => c.IsInstanceOfType(ex.InnerException)), $"the cause is {ex.InnerException!.GetType().FullName}, not one of {string.Join(", ", causes.Select(c => c.Name))}");
        }

        return ex;
    }
}
