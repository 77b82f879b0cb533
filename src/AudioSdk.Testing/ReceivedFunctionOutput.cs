namespace AudioSdk.Testing;

/// <summary>A function call's output the conversation endpoint accepted (a <c>function_call_output</c> item).</summary>
/// <param name="CallId">The call id.</param>
/// <param name="Output">The output.</param>
public sealed record ReceivedFunctionOutput(string CallId, string Output);
