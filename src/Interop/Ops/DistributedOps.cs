using Bridge.Distributed;

namespace Bridge.Interop;

// bridge.distributed and bridge.nn.parallel over Bridge.Distributed: process groups, works and reducers travel as
// object handles; a group argument of None means the default group. Every collective takes async_op and returns
// its work then (None otherwise, after waiting).
static partial class OpTable
{
    static void RegisterDistributed()
    {
        Add("dist_unavailable", a => ProcessGroup.Unavailable(a.String(0)) is string reason ? Results.String(reason) : Value.None);
        Add("dist_init", a => Value.Object(ProcessGroup.Init(a.String(0), a.IsNone(1) ? null : TimeSpan.FromSeconds(a.Double(1)))));
        Add("dist_is_initialized", a => Value.Bool(ProcessGroup.IsInitialized));
        Add("dist_world", a => ProcessGroup.World is ProcessGroup w ? Value.Object(w) : Value.None);
        Add("dist_rank", a => Value.Int(Group(a, 0).Rank));
        Add("dist_size", a => Value.Int(Group(a, 0).Size));
        Add("dist_ranks", a => Results.Ints([.. Group(a, 0).Ranks]));
        Add("dist_destroy", a => { ProcessGroup.Destroy(); return Value.None; });
        Add("dist_shutdown", a => { ProcessGroup.Shutdown(TimeSpan.FromSeconds(a.Double(0))); return Value.None; });
        Add("dist_abort", a => { ProcessGroup.Abort(a.Int(0)); return Value.None; });
        Add("dist_new_group", a =>
            Group(a, 0).NewGroup(a.IsNone(1) ? null : a.Ints(1), a.IsNone(2) ? null : TimeSpan.FromSeconds(a.Double(2))) is ProcessGroup g ? Value.Object(g) : Value.None);

        Add("dist_barrier", a => Finish(Group(a, 0).BarrierAsync(), a.Bool(1)));
        Add("dist_all_reduce", a => Finish(Group(a, 0).AllReduceAsync(a.Tensor(1), (ReduceOp)a.Int(2)), a.Bool(3)));
        Add("dist_broadcast", a => Finish(Group(a, 0).BroadcastAsync(a.Tensor(1), a.Int(2)), a.Bool(3)));
        Add("dist_all_gather", a => Finish(Group(a, 0).AllGatherAsync(a.Tensors(1), a.Tensor(2)), a.Bool(3)));
        Add("dist_reduce_scatter", a => Finish(Group(a, 0).ReduceScatterAsync(a.Tensor(1), a.Tensors(2), (ReduceOp)a.Int(3)), a.Bool(4)));
        Add("dist_send", a => Finish(Group(a, 0).SendAsync(a.Tensor(1), a.Int(2), a.Int(3)), a.Bool(4)));
        Add("dist_recv", a =>
        {
            var work = Group(a, 0).RecvAsync(a.Tensor(1), a.OptionalInt(2), a.Int(3));
            if (a.Bool(4)) return Value.Object(work);
            work.Wait();
            return Value.Int(work.SourceRank);
        });
        Add("work_wait", a => Value.Bool(a.Object<Work>(0).Wait(a.IsNone(1) ? null : TimeSpan.FromSeconds(a.Double(1)))));
        Add("work_is_completed", a => Value.Bool(a.Object<Work>(0).IsCompleted()));
        Add("work_source_rank", a => Value.Int(a.Object<Work>(0).SourceRank));

        Add("ddp_reducer", a => Value.Object(new GradientReducer(Group(a, 0), a.Tensors(1), a.IsNone(2) ? null : a.Tensors(2), a.Long(3))));
        Add("ddp_set_require_sync", a => { a.Object<GradientReducer>(0).RequireSync = a.Bool(1); return Value.None; });
        Add("ddp_require_sync", a => Value.Bool(a.Object<GradientReducer>(0).RequireSync));
        Add("ddp_prepare_forward", a => { a.Object<GradientReducer>(0).PrepareForForward(); return Value.None; });
        Add("ddp_broadcast", a => { a.Object<GradientReducer>(0).Broadcast(a.Tensors(1)); return Value.None; });
        Add("ddp_bucket_count", a => Value.Int(a.Object<GradientReducer>(0).BucketCount));
        Add("ddp_buckets_started_during_backward", a => Value.Int(a.Object<GradientReducer>(0).BucketsStartedDuringBackward));
        Add("ddp_dispose", a => { a.Object<GradientReducer>(0).Dispose(); return Value.None; });

        Add("sampler_indices", a =>
        {
            var sampler = new DistributedSampler(a.Int(0), a.Int(1), a.Int(2), a.Bool(3), a.Long(4), a.Bool(5));
            sampler.SetEpoch(a.Int(6));
            var indices = sampler.Indices();
            return Results.Ints([.. indices.Select(i => (int)i)]);
        });
    }

    static ProcessGroup Group(Args a, int i) => a.IsNone(i) ? ProcessGroup.World
        ?? throw new InvalidOperationException("Default process group has not been initialized, please make sure to call init_process_group.")
        : a.Object<ProcessGroup>(i);

    static Value Finish(Work work, bool asyncOp)
    {
        if (asyncOp) return Value.Object(work);
        work.Wait();
        return Value.None;
    }
}
