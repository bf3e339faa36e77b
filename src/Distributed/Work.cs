using System.Diagnostics;
using Bridge.Distributed.Mpi;

namespace Bridge.Distributed;

/// <summary>
/// An operation in flight (torch's <c>Work</c>): one nonblocking MPI request plus what must happen once it completes
/// (AVG's division, copying an all-gather out). Waiting polls MPI_Test against a deadline, so a peer that died or never
/// joins ends in a <see cref="DistributedTimeoutException"/> instead of a hang.
/// </summary>
public sealed unsafe class Work
{
    // Buffers of requests abandoned at a timeout: MPI may still write into them, so they must never be freed.
    static readonly List<object> Abandoned = [];

    readonly ProcessGroup _group;
    readonly string _operation;
    readonly long _started = Stopwatch.GetTimestamp();
    readonly object[] _buffers;
    readonly Lock _gate = new();
    nint _request;
    Action? _onComplete;
    bool _completed;
    Exception? _failure;

    internal Work(ProcessGroup group, string operation, nint request, object[] buffers, Action? onComplete)
    {
        _group = group;
        _operation = operation;
        _request = request;
        _buffers = buffers;
        _onComplete = onComplete;
    }

    /// <summary>Global rank of the sender, for a completed receive (torch's <c>work._source_rank()</c>); -1 otherwise.</summary>
    public int SourceRank { get; private set; } = -1;

    /// <summary>True once the operation has completed (tests the request once; never blocks).</summary>
    public bool IsCompleted()
    {
        lock (_gate)
        {
            if (_failure is not null) throw _failure;
            return _completed || Poll();
        }
    }

    /// <summary>
    /// Blocks until the operation completes (its results are then in the tensors) and returns true. Throws a
    /// <see cref="DistributedTimeoutException"/> when the group's timeout (or <paramref name="timeout"/>) passes first.
    /// </summary>
    public bool Wait(TimeSpan? timeout = null)
    {
        lock (_gate)
        {
            if (_failure is not null) throw _failure;
            var limit = timeout ?? _group.Timeout;
            long spinUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10_000;
            while (!_completed && !Poll())
            {
                if (Stopwatch.GetElapsedTime(_started) > limit) throw Fail(limit);
                // Poll hot for 100 µs (a peer that is on time answers within that), then yield between polls: on a
                // machine with fewer cores than ranks the late peer needs this core.
                if (Stopwatch.GetTimestamp() > spinUntil) Thread.Yield();
            }
            return true;
        }
    }

    bool Poll()
    {
        int flag = 0;
        MpiStatus status = default;
        var mpi = _group.Mpi;
        lock (ProcessGroup.MpiGate)
        {
            nint request = _request;
            mpi.Check(mpi.MPI_Test(&request, &flag, &status), $"MPI_Test ({_operation})");
            _request = request;
        }
        if (flag == 0) return false;
        if (status.Source >= 0 && status.Source < _group.Size) SourceRank = _group.GlobalRank(status.Source);
        _completed = true;
        var onComplete = _onComplete;
        _onComplete = null;
        onComplete?.Invoke();
        return true;
    }

    Exception Fail(TimeSpan limit)
    {
        lock (Abandoned) Abandoned.Add(_buffers);
        _failure = new DistributedTimeoutException(
            $"{_operation} did not complete within {limit.TotalSeconds:0.###} s on rank {_group.GlobalRank(_group.Rank)} of a group of {_group.Size}: " +
            "another rank failed, exited, or did not call the same collective. The group cannot be used any more; end the job (mpirun ends it when this rank exits non-zero).");
        _group.MarkBroken(_failure.Message);
        return _failure;
    }

    /// <summary><c>Work(operation, completed|pending)</c>.</summary>
    public override string ToString() => $"Work({_operation}, {(_completed ? "completed" : "pending")})";
}
