using Bridge.Backends.Cpu;

namespace Bridge.Backends.Cuda;

/// <summary>Reductions, scatter and matrix products on the GPU (the CUDA side of ReduceKernels and Gemm).</summary>
internal static unsafe class CudaReduce
{
    const uint Threads = 256;
    // Long rows get a block each (the same summation tree, split over 256 threads); short rows a thread each.
    const int BlockPerRowColumns = 4096;

    // Below ~100³ multiply-adds a launch costs more than the arithmetic, so the own kernel loses little and keeps
    // small products (most of the parity cases) bit-identical with the CPU; cuBLAS takes the large ones.
    internal const long CublasMinimumWork = 1L << 20;

    static (uint, uint) GridFor(long n) => ((uint)Math.Clamp((n + Threads - 1) / Threads, 1, 65535), 1);

    static void CheckResult(Tensor result)
    {
        if (!result.IsContiguous()) throw new InvalidOperationException("CUDA reductions write a contiguous result");
    }

    /// <summary>result[...] = Σ view[..., i], bit-identical to ReduceKernels.Sum (floats in CascadeSum's order, integers in the pairwise tree).</summary>
    public static void Sum(Tensor view, Tensor result, bool rowsOnly = false)
    {
        if (CudaLarge.Needed(view, result))
        {
            CudaLarge.Reduce(view, [result], (v, r) => Sum(v, r[0], rowsOnly), LargeReductions.Sum);
            return;
        }
        CheckResult(result);
        var device = CudaDevice.Get(result.Device.Index);
        int rows = result.Numel32, cols = view.ShapeArray[^1];
        if (rows == 0) return;
        if (view.DType.IsHalf())
        {
            // As ReduceKernels: a float32 accumulator in the pairwise tree (one thread per row), rounded once.
            var wideView = CudaHalfWidening.Widen(view);
            var wide = CudaHalfWidening.WideResult(result);
            var pairwise = new KernelArgs();
            pairwise.Add(CudaKernels.Address(wide));
            pairwise.Add(CudaKernels.Address(wideView));
            pairwise.Add(CudaStrided.Exact(wideView.ShapeArray, wideView.StridesArray));
            pairwise.Add(rows);
            pairwise.Add(cols);
            device.Launch("sum_rows_f32", GridFor(rows), (Threads, 1), ref pairwise);
            CudaHalfWidening.Narrow(wide, result);
            GC.KeepAlive(wideView);
            return;
        }
        if (view.DType is DType.Float32 or DType.Float64)
        {
            SumInCpuOrder(device, view, result, rows, cols, rowsOnly);
            return;
        }
        if (rows == 1 && cols >= SplitRowColumns)
        {
            SumOneRow(device, view, result, cols);
            return;
        }
        var args = new KernelArgs();
        args.Add(CudaKernels.Address(result));
        args.Add(CudaKernels.Address(view));
        args.Add(CudaStrided.Exact(view.ShapeArray, view.StridesArray));
        args.Add(rows);
        args.Add(cols);
        string sfx = CudaKernels.Suffix(view.DType);
        if (cols >= BlockPerRowColumns && rows <= 65535) device.Launch($"sum_rows_block_{sfx}", ((uint)rows, 1), (Threads, 1), ref args);
        else device.Launch($"sum_rows_{sfx}", GridFor(rows), (Threads, 1), ref args);
    }

    // Float sums replay CascadeSum's order, so CPU and CUDA results stay bit-identical. Short rows: one thread per
    // row. Long rows: their cascades' level-2 blocks in parallel, then each chain, then each row (SumLongRows).
    static void SumInCpuOrder(CudaDevice device, Tensor view, Tensor result, int rows, int cols, bool rowsOnly)
    {
        var plan = SumPlan.For(view, view.DType.ElementSize(), rowsOnly);
        if (cols >= LongRowColumns && rows <= 65535 && plan.Lanes * 4 <= MaxChains)
        {
            SumLongRows(device, view, result, rows, cols, plan);
            return;
        }
        var args = CascadeArgs([CudaKernels.Address(result), CudaKernels.Address(view)], CudaStrided.Exact(view.ShapeArray, view.StridesArray), rows, cols, plan);
        device.Launch($"sum_rows_cascade_{CudaKernels.Suffix(view.DType)}", GridFor(rows), (Threads, 1), ref args);
    }

    // A row this long keeps one thread busy for microseconds (a whole-tensor sum of 16M floats took 1.2 s on an
    // H200 as one thread's loop); 64 chains per row at most (4 per lane, 16 lanes) sizes the chain buffer.
    const int LongRowColumns = 4096, MaxChains = 64;

    static void SumLongRows(CudaDevice device, Tensor view, Tensor result, int rows, int cols, SumPlan plan)
    {
        string sfx = CudaKernels.Suffix(view.DType);
        long rowPartials = cols / 256 + 1;   // level-2 blocks hold s*s >= 256 elements (s >= 16)
        var partials = Tensor.Allocate([checked((int)(rows * rowPartials))], view.DType, view.Device);
        var chainSums = Tensor.Allocate([rows * MaxChains], view.DType, view.Device);
        var shape = CudaStrided.Exact(view.ShapeArray, view.StridesArray);
        ulong input = CudaKernels.Address(view), partialSums = CudaKernels.Address(partials), chainTotals = CudaKernels.Address(chainSums);
        var blocks = CascadeArgs([partialSums, input], shape, rows: null, cols, plan, rowPartials);
        device.Launch($"sum_cascade_blocks_{sfx}", ((uint)Math.Clamp((rowPartials + Threads - 1) / Threads, 1, 1024), (uint)rows), (Threads, 1), ref blocks);
        var chains = CascadeArgs([chainTotals, partialSums, input], shape, rows, cols, plan, rowPartials);
        device.Launch($"sum_cascade_chains_{sfx}", (1, (uint)rows), (MaxChains, 1), ref chains);
        var finish = CascadeArgs([CudaKernels.Address(result), chainTotals, input], shape, rows, cols, plan);
        device.Launch($"sum_cascade_finish_{sfx}", GridFor(rows), (Threads, 1), ref finish);
        GC.KeepAlive(partials);   // scratch blocks must not return to the cache before the launches are queued
        GC.KeepAlive(chainSums);
    }

    // The cascade kernels' shared parameter list: (pointers..., layout, [rows,] cols, the plan, [row partials]).
    static KernelArgs CascadeArgs(ReadOnlySpan<ulong> pointers, CudaStrided layout, int? rows, int cols, SumPlan plan, long? rowPartials = null)
    {
        var args = new KernelArgs();
        foreach (ulong pointer in pointers) args.Add(pointer);
        args.Add(layout);
        if (rows is int r) args.Add(r);
        args.Add(cols);
        args.Add(plan.Inner ? 1 : 0);
        args.Add(plan.Lanes);
        args.Add(plan.Divisor);
        args.Add(plan.Columns);
        args.Add(plan.CascadeColumns);
        if (rowPartials is long p) args.Add(p);
        return args;
    }

    // Whole-tensor sums of a million elements and more split the tree over 2^16 threads, then combine in order.
    const int SplitRowColumns = 1 << 20, SplitLevels = 16;

    static void SumOneRow(CudaDevice device, Tensor view, Tensor result, int cols)
    {
        string sfx = CudaKernels.Suffix(view.DType);
        var partials = Tensor.Allocate([1 << SplitLevels], view.DType, view.Device);
        var args = new KernelArgs();
        args.Add(CudaKernels.Address(partials));
        args.Add(CudaKernels.Address(view));
        args.Add(view.StridesArray[^1]);
        args.Add(cols);
        args.Add(SplitLevels);
        device.Launch($"sum_tree_partials_{sfx}", GridFor(1 << SplitLevels), (Threads, 1), ref args);
        var combine = new KernelArgs();
        combine.Add(CudaKernels.Address(result));
        combine.Add(CudaKernels.Address(partials));
        combine.Add(SplitLevels);
        device.Launch($"sum_tree_combine_{sfx}", (1, 1), (Threads, 1), ref combine);
        GC.KeepAlive(partials);   // its block must not return to the cache before the launches are queued
    }

    /// <summary>max/min over the last dim with the index of the first extreme, NaN first (ReduceKernels.Extreme).</summary>
    public static void Extreme(Tensor view, Tensor values, Tensor indices, bool max)
    {
        if (CudaLarge.Needed(view, values, indices))
        {
            CudaLarge.Reduce(view, [values, indices], (v, r) => Extreme(v, r[0], r[1], max), (r, p) => LargeReductions.Extreme(r, p, max));
            return;
        }
        CheckResult(values);
        CheckResult(indices);
        if (view.ShapeArray.Length > 0 && view.ShapeArray[^1] == 0)
            throw new ArgumentException("max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
        if (view.DType == DType.Bool)
        {
            // bool is 0 or 1, so its extremes are int64's: there is no byte-wide extreme kernel, and this is rare.
            var wide = Tensor.Allocate(values.ShapeArray, DType.Int64, values.Device, zero: false);
            Extreme(view.To(DType.Int64), wide, indices, max);
            CudaCopy.Copy(wide, values);
            return;
        }
        if (view.DType.IsHalf())
        {
            var wide = CudaHalfWidening.WideResult(values);
            var wideView = CudaHalfWidening.Widen(view);
            Extreme(wideView, wide, indices, max);
            CudaHalfWidening.Narrow(wide, values);
            GC.KeepAlive(wideView);
            return;
        }
        var device = CudaDevice.Get(values.Device.Index);
        int rows = values.Numel32, cols = view.ShapeArray[^1];
        if (rows == 0) return;
        var args = new KernelArgs();
        args.Add(CudaKernels.Address(values));
        args.Add(CudaKernels.Address(indices));
        args.Add(CudaKernels.Address(view));
        args.Add(CudaStrided.Exact(view.ShapeArray, view.StridesArray));
        args.Add(rows);
        args.Add(cols);
        args.Add(max ? 1 : 0);
        string sfx = CudaKernels.Suffix(view.DType);
        if (cols >= BlockPerRowColumns && rows <= 65535) device.Launch($"ext_rows_block_{sfx}", ((uint)rows, 1), (Threads, 1), ref args);
        else device.Launch($"ext_rows_{sfx}", GridFor(rows), (Threads, 1), ref args);
    }

    /// <summary>target[..., index[...], ...] = src[...] along <paramref name="dim"/> (Tensor.ScatterAlong).</summary>
    public static void Scatter(Tensor target, int dim, Tensor index, Tensor src)
    {
        var device = CudaDevice.Get(target.Device.Index);
        long n = index.Numel();
        if (n == 0) return;
        var values = src.To(target.DType).Contiguous();
        var idx = index.Contiguous();
        var targetStrides = (long[])target.Strides64.Clone();
        targetStrides[dim] = 0;   // the position along dim comes from the index, not the iteration
        var layout = CudaStrided.Create(index.Shape64, targetStrides, idx.Strides64, values.Strides64);
        var args = new KernelArgs();
        args.Add(CudaKernels.Address(target));
        args.Add(CudaKernels.Address(idx));
        args.Add(CudaKernels.Address(values));
        args.Add(layout);
        args.Add(n);
        args.Add(target.Strides64[dim]);
        int size = target.DType.ElementSize();
        if (size is not (4 or 8)) throw new NotSupportedException($"scatter on CUDA is not implemented for {target.DType.TorchName()}");
        device.Launch($"scatter_b{size}", GridFor(n), (Threads, 1), ref args);
    }

    /// <summary>C = A·B (or C += A·B) for a contiguous row-major C and 2-D operands of any strides and sizes (Backend.Gemm).</summary>
    public static void Gemm(Tensor a, Tensor b, Tensor c, bool accumulate)
    {
        // The kernels read row-major operands, so transposed views are copied on the device; products past what one
        // call addresses are cut into blocks as on the CPU.
        if (c.DType.IsHalf())
        {
            // float16/bfloat16: the float32 product, rounded once into C (torch's CUDA accumulates halves in float32 too).
            var wide = accumulate ? CudaHalfWidening.Widen(c) : CudaHalfWidening.WideResult(c);
            Gemm(CudaHalfWidening.Widen(a), CudaHalfWidening.Widen(b), wide, accumulate);
            CudaHalfWidening.Narrow(wide, c);
            return;
        }
        if (!a.Fits32 || !b.Fits32 || !c.Fits32) CudaLarge.Gemm(a, b, c, accumulate);
        else Gemm(a.Contiguous(), b.Contiguous(), c, c.ShapeArray[0], a.ShapeArray[1], c.ShapeArray[1], accumulate);
    }

    /// <summary>C = A·B (or C += A·B), contiguous row-major: cuBLAS when loaded, else the tiled kernel, bit-identical to Gemm.Multiply.</summary>
    public static void Gemm(Tensor a, Tensor b, Tensor c, int m, int k, int n, bool accumulate) =>
        Gemm(CudaDevice.Get(c.Device.Index), c.DType, CudaKernels.Address(a), CudaKernels.Address(b), CudaKernels.Address(c), m, k, n, accumulate);

    /// <summary><see cref="Gemm(Tensor, Tensor, Tensor, int, int, int, bool)"/> on device addresses of contiguous row-major blocks (slices of scratch buffers).</summary>
    public static void Gemm(CudaDevice device, DType dtype, ulong a, ulong b, ulong c, int m, int k, int n, bool accumulate)
    {
        if (m == 0 || n == 0) return;
        if ((long)m * n * k >= CublasMinimumWork && device.Blas is { } blas && blas.Supports(dtype))
        {
            blas.Gemm(dtype, m, n, k, a, b, c, accumulate);
            return;
        }
        const uint Tile = 64;   // 16x16 threads, 4x4 outputs each (Kernels/Gemm.cu)
        if ((m + Tile - 1) / Tile > 65535) throw new NotSupportedException($"CUDA gemm: {m} rows exceed the grid limit");
        var args = new KernelArgs();
        args.Add(m);
        args.Add(n);
        args.Add(k);
        args.Add(a);
        args.Add(b);
        args.Add(c);
        args.Add(accumulate ? 1 : 0);
        device.Launch($"gemm_{CudaKernels.Suffix(dtype)}", (((uint)n + Tile - 1) / Tile, ((uint)m + Tile - 1) / Tile), (16, 16), ref args);
    }
}
