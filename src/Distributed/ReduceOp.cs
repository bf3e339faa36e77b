namespace Bridge.Distributed;

/// <summary>How <see cref="ProcessGroup.AllReduce"/> and <see cref="ProcessGroup.ReduceScatter"/> combine ranks' values (torch's <c>ReduceOp</c>).</summary>
public enum ReduceOp
{
    /// <summary>x₀ + x₁ + ... (logical or for bool, as torch's NCCL backend).</summary>
    Sum = 0,
    /// <summary>(x₀ + x₁ + ...) / world size; floating-point tensors only.</summary>
    Avg = 1,
    /// <summary>x₀ · x₁ · ... (logical and for bool).</summary>
    Product = 2,
    /// <summary>min(x₀, x₁, ...).</summary>
    Min = 3,
    /// <summary>max(x₀, x₁, ...).</summary>
    Max = 4,
}
