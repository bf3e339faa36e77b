using System.Runtime.CompilerServices;

namespace Bridge.Compile;

/// <summary>
/// Turns a trace's recorded calls into the flat list a replay runs: each maximal run of consecutive elementwise
/// kernels of one dtype (each over its own number of elements, such as a one-element scalar written and then
/// broadcast into a product) (<see cref="FusibleOp"/>) becomes one
/// <see cref="FusedChain{T}"/> call, with every operand's address resolved once; other calls stay as recorded.
/// Inside a chain the ops run in the trace's order, each over the whole block, so every value is computed by the
/// same arithmetic from the same operands as in eager execution. An intermediate that nothing outside the chain can
/// see (memory the step allocated itself, read afterwards only by later ops of the same chain, exactly as written,
/// and neither an input nor an output of the step) is kept in the chain's scratch rows instead of its tensor's
/// memory; everything else (saved-for-backward values, .grad, parameters, outputs) is still written to memory.
/// </summary>
internal static class ChainFusion
{
    /// <summary>One recorded call: the replayable kernel, its fusible form (or null) and every tensor it touched.</summary>
    internal sealed record Recorded(Action Kernel, FusibleOp? Op, Tensor?[] Touched);

    /// <summary>
    /// The calls to replay, in order. <paramref name="temporaries"/> is the memory the step allocated while traced;
    /// <paramref name="visible"/> the storages the caller sees (the step's input copies and outputs), never elided.
    /// </summary>
    internal static Action[] Build(IReadOnlyList<Recorded> records, IReadOnlySet<Storage> temporaries, IReadOnlySet<Storage> visible, out int fusedChains, out int elided)
    {
        fusedChains = 0;
        elided = 0;
        var steps = new List<Action>(records.Count);
        int i = 0;
        while (i < records.Count)
        {
            int end = ChainEnd(records, i);
            if (records[i].Op is null)
            {
                steps.Add(records[i].Kernel);
                i++;
                continue;
            }
            var dead = DeadResults(records, i, end, temporaries, visible);
            foreach (bool d in dead) elided += d ? 1 : 0;
            steps.Add(records[i].Op switch
            {
                FusibleOp<float> => FusedChain<float>.Create(records, i, end, dead).Run,
                _ => FusedChain<double>.Create(records, i, end, dead).Run,
            });
            fusedChains++;
            i = end;
        }
        return [.. steps];
    }

    // One past the last record of the chain starting at `start` (start + 1 when the record cannot start one).
    static int ChainEnd(IReadOnlyList<Recorded> records, int start)
    {
        if (records[start].Op is not { } first) return start + 1;
        int end = start + 1;
        while (end < records.Count && records[end].Op is { } op && op.DType == first.DType) end++;
        return end;
    }

    // For each op of the chain [start, end): true when its result may stay in scratch.
    static bool[] DeadResults(IReadOnlyList<Recorded> records, int start, int end, IReadOnlySet<Storage> temporaries, IReadOnlySet<Storage> visible)
    {
        var dead = new bool[end - start];
        for (int k = start; k < end; k++)
        {
            var result = records[k].Op!.Result;
            var storage = result.Storage;
            if (!temporaries.Contains(storage) || visible.Contains(storage)) continue;
            dead[k - start] = !TouchedBefore(records, k, storage) && OnlyReadExactlyAfter(records, k, end, result);
        }
        return dead;
    }

    static bool TouchedBefore(IReadOnlyList<Recorded> records, int k, Storage storage)
    {
        for (int r = 0; r < k; r++)
            foreach (var t in records[r].Touched)
                if (t is not null && ReferenceEquals(t.Storage, storage)) return true;
        // The op itself may read its own memory (an in-place op on memory nobody wrote first): keep it then.
        var op = records[k].Op!;
        return Same(op.A, storage) || Same(op.B, storage);
    }

    static bool Same(Tensor? t, Storage storage) => t is not null && ReferenceEquals(t.Storage, storage);

    // Every later touch of result's memory is a read, inside the chain, of exactly result's elements.
    static bool OnlyReadExactlyAfter(IReadOnlyList<Recorded> records, int k, int end, Tensor result)
    {
        var storage = result.Storage;
        for (int r = k + 1; r < records.Count; r++)
        {
            var rec = records[r];
            bool touches = false;
            foreach (var t in rec.Touched)
                if (t is not null && ReferenceEquals(t.Storage, storage)) touches = true;
            if (!touches) continue;
            if (r >= end || rec.Op is not { } op || ReferenceEquals(op.Result.Storage, storage)) return false;
            if (Same(op.A, storage) && !SameElements(op.A!, result)) return false;
            if (Same(op.B, storage) && !SameElements(op.B!, result)) return false;
        }
        return true;
    }

    static bool SameElements(Tensor x, Tensor result) => x.StorageOffset == result.StorageOffset && x.Numel() == result.Numel();
}

/// <summary>
/// A run of fused elementwise ops: one call runs them all, op after op, each over its whole block (at most
/// <see cref="FusibleOp.MaxElements"/> elements), reading and writing addresses resolved when the chain was built.
/// Results no one else reads live in <see cref="_scratch"/> (pinned, 64-byte aligned rows) and never reach memory.
/// </summary>
internal sealed unsafe class FusedChain<T> where T : unmanaged
{
    readonly ElementKernel<T>[] _kernels;
    readonly Operands[] _operands;
    readonly T[] _scratch;

    readonly struct Operands(T* a, nint sa, T* b, nint sb, T* o, int n)
    {
        public readonly T* A = a, B = b, O = o;
        public readonly nint SA = sa, SB = sb;
        public readonly int N = n;
    }

    FusedChain(ElementKernel<T>[] kernels, Operands[] operands, T[] scratch)
    {
        _kernels = kernels;
        _operands = operands;
        _scratch = scratch;
    }

    /// <summary>The chain for records [start, end), with <paramref name="dead"/> results kept in scratch.</summary>
    internal static FusedChain<T> Create(IReadOnlyList<ChainFusion.Recorded> records, int start, int end, bool[] dead)
    {
        int count = end - start, rowBytes = 0;
        for (int k = 0; k < count; k++)
            if (dead[k]) rowBytes += (records[start + k].Op!.N * sizeof(T) + 63) / 64 * 64;
        // Rows start on 64-byte boundaries, as the pool's buffers do, so span kernels see the alignment they saw eagerly.
        var scratch = GC.AllocateArray<T>((rowBytes + 64) / sizeof(T), pinned: true);
        T* base0 = (T*)Unsafe.AsPointer(ref scratch[0]);
        base0 = (T*)(((nint)base0 + 63) & ~(nint)63);
        // Where each elided result lives: its storage and offset (the one region the chain reads it as) -> scratch row.
        var rowOf = new RowTable(count);
        var kernels = new ElementKernel<T>[count];
        var operands = new Operands[count];
        nint next = 0;
        for (int k = 0; k < count; k++)
        {
            var op = (FusibleOp<T>)records[start + k].Op!;
            kernels[k] = op.Kernel;
            var (a, sa) = Resolve(op.A, rowOf);
            var (b, sb) = Resolve(op.B, rowOf);
            T* o;
            if (dead[k])
            {
                o = base0 + next;
                next += (op.N * sizeof(T) + 63) / 64 * 64 / sizeof(T);
                rowOf.Add(op.Result, (nint)o);
            }
            else o = Address(op.Result);
            operands[k] = new Operands((T*)a, sa, (T*)b, sb, o, op.N);
        }
        return new FusedChain<T>(kernels, operands, scratch);
    }

    static (nint Pointer, nint Stride) Resolve(Tensor? t, RowTable rowOf)
    {
        if (t is null) return (0, 0);
        nint stride = t.Numel() == 1 ? 0 : 1;
        return (rowOf.Find(t) is var p and not 0 ? p : (nint)Address(t), stride);
    }

    // Elided results by storage and offset (a chain holds a few: a linear search, and no generic instantiation to JIT).
    sealed class RowTable(int capacity)
    {
        readonly Storage[] _storages = new Storage[capacity];
        readonly long[] _offsets = new long[capacity];
        readonly nint[] _rows = new nint[capacity];
        int _count;

        public void Add(Tensor t, nint row)
        {
            _storages[_count] = t.Storage;
            _offsets[_count] = t.StorageOffset;
            _rows[_count++] = row;
        }

        public nint Find(Tensor t)
        {
            for (int i = _count - 1; i >= 0; i--)
                if (ReferenceEquals(_storages[i], t.Storage) && _offsets[i] == t.StorageOffset) return _rows[i];
            return 0;
        }
    }


    static T* Address(Tensor t) => (T*)StepTrace.Address(t.Storage) + t.StorageOffset;

    /// <summary>Number of ops fused into this chain.</summary>
    internal int Count => _kernels.Length;

    /// <summary>Runs every op of the chain, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Run()
    {
        var kernels = _kernels;
        var operands = _operands;
        for (int k = 0; k < kernels.Length; k++)
        {
            ref readonly var o = ref operands[k];
            kernels[k].Run(o.A, o.SA, o.B, o.SB, o.O, o.N);
        }
        GC.KeepAlive(_scratch);
    }
}
