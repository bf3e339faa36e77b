namespace Bridge.Distributed;

/// <summary>A collective or point-to-point operation failed (torch raises RuntimeError).</summary>
public class DistributedException(string message) : Exception(message);

/// <summary>An operation did not complete within the process group's timeout: a peer failed, exited or diverged.</summary>
public sealed class DistributedTimeoutException(string message) : DistributedException(message);

/// <summary>A backend's library is not on this machine (or is not the kind Bridge binds).</summary>
public sealed class DistributedUnavailableException(string message) : DistributedException(message);
