using AudioSdk.LongForm;
using AudioSdk.Realtime;
using AudioSdk.Security;
using AudioSdk.Testing;
using AudioSdk.Tests.Infrastructure;

namespace AudioSdk.Tests;

public sealed class ErrorFamilyTests : ServerTest
{
    [Fact]
    public void EveryExceptionTheSdkRaisesOnPurpose_IsAnAudioSdkException()
    {
        var family = typeof(AudioClient).Assembly.GetExportedTypes()
            .Where(t => typeof(Exception).IsAssignableFrom(t))
            .ToList();

        Assert.Contains(typeof(AudioSdkException), family);
        Assert.All(family.Where(t => t != typeof(AudioSdkException) && t != typeof(AudioSdk.Audio.WavFormatException)), t => Assert.True(typeof(AudioSdkException).IsAssignableFrom(t), t.Name));
        Assert.True(typeof(FormatException).IsAssignableFrom(typeof(AudioSdk.Audio.WavFormatException)));
        Assert.Equal(
            [typeof(AttestationException), typeof(AudioServiceException), typeof(LongFormChunkException), typeof(RealtimeException), typeof(TlsPinMismatchException)],
            family.Where(t => t.BaseType == typeof(AudioSdkException)).OrderBy(t => t.Name));
    }

    [Fact]
    public async Task OneCatch_HandlesAServiceError_AndKeepsItsDetails()
    {
        Server.Enqueue(ScriptedResponse.Error(400, "invalid_value", "Bad model."));
        try
        {
            await Client.ListModelsAsync();
            Assert.Fail("no exception");
        }
        catch (AudioSdkException ex)
        {
            var service = Assert.IsType<AudioServiceException>(ex);
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, service.Status);
            Assert.Equal("invalid_value", service.Code);
            Assert.StartsWith("req_", service.RequestId);
        }
    }
}
