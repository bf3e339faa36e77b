using Bridge.Ops;

namespace Bridge.Interop;

// Elementwise, reductions, linear algebra and their in-place forms. In-place ops return None: the caller
// already holds the tensor.
static partial class OpTable
{
    /// <summary>Every op of Ops/Declarations under its torch name.</summary>
    static void RegisterDeclared()
    {
        foreach (var op in Declarations.All)
        {
            switch (op)
            {
                case UnaryOp u:
                    Unary(op.TorchName, u.Apply);
                    if (op.Surface.HasFlag(Surface.InPlace)) InPlace(op.TorchName + "_", a => u.ApplyInPlace(a.Tensor(0)));
                    break;
                case ReductionOp r: Unary(op.TorchName, r.Apply); break;
                case BinaryOp b: Binary(op.TorchName, b.Apply); break;
                default: throw new InvalidOperationException($"no C ABI calling convention for {op.GetType().Name} {op.TorchName}");
            }
        }
    }

    static void RegisterMath()
    {
        Unary("logical_not", t => t.LogicalNot());
        Unary("bitwise_not", t => t.BitwiseNot());
        Binary("mm", (a, b) => a.Mm(b));
        Binary("matmul", (a, b) => a.MatMul(b));
        Binary("bmm", (a, b) => a.Bmm(b));
        Binary("dot", (a, b) => a.Dot(b));
        Binary("mv", (a, b) => a.Mv(b));

        WithScalar("add_scalar", (t, s) => t + s);
        WithScalar("sub_scalar", (t, s) => t - s);
        WithScalar("rsub_scalar", (t, s) => s - t);
        WithScalar("mul_scalar", (t, s) => t * s);
        WithScalar("div_scalar", (t, s) => t / s);
        WithScalar("rdiv_scalar", (t, s) => s / t);
        WithScalar("pow_scalar", (t, s) => s == Math.Floor(s) && Math.Abs(s) < 1e18 ? t.Pow((long)s) : t.Pow(s));   // a Python int: torch's integer-exponent rules
        WithScalar("rpow_scalar", (t, s) => Torch.FullLike(t, s).Pow(t));
        WithScalar("eq_scalar", (t, s) => t == s);
        WithScalar("ne_scalar", (t, s) => t != s);
        WithScalar("lt_scalar", (t, s) => t < s);
        WithScalar("le_scalar", (t, s) => t <= s);
        WithScalar("gt_scalar", (t, s) => t > s);
        WithScalar("ge_scalar", (t, s) => t >= s);

        Add("add_alpha", a => T(a.Tensor(0).Add(a.Tensor(1), a.Double(2))));
        Add("where", a => T(Tensor.Where(a.Tensor(0), a.Tensor(1), a.Tensor(2))));
        Add("clamp", a => T(a.Tensor(0).Clamp(a.OptionalDouble(1), a.OptionalDouble(2))));
        Add("sum_dim", a => T(a.Tensor(0).Sum(a.Ints(1), a.Bool(2))));
        Add("mean_dim", a => T(a.Tensor(0).Mean(a.Ints(1), a.Bool(2))));
        Add("max_dim", a => { var (v, i) = a.Tensor(0).Max(a.Int(1), a.Bool(2)); return Results.Tensors(v, i); });
        Add("min_dim", a => { var (v, i) = a.Tensor(0).Min(a.Int(1), a.Bool(2)); return Results.Tensors(v, i); });
        Add("argmax_dim", a => T(a.Tensor(0).Argmax(a.Int(1), a.Bool(2))));
        Add("argmin_dim", a => T(a.Tensor(0).Argmin(a.Int(1), a.Bool(2))));
        Add("softmax", a => T(a.Tensor(0).Softmax(a.Int(1))));
        Add("log_softmax", a => T(a.Tensor(0).LogSoftmax(a.Int(1))));
        Add("addmm", a => T(Tensor.Addmm(a.Tensor(0), a.Tensor(1), a.Tensor(2))));
        Add("all", a => Value.Bool(a.Tensor(0).All()));
        Add("any", a => Value.Bool(a.Tensor(0).Any()));
        Add("item", a => Item(a.Tensor(0)));

        InPlace("add_", a => a.Tensor(0).Add_(a.Tensor(1), a.IsNone(2) ? 1 : a.Double(2)));
        InPlace("sub_", a => a.Tensor(0).Sub_(a.Tensor(1)));
        InPlace("mul_", a => a.Tensor(0).Mul_(a.Tensor(1)));
        InPlace("div_", a => a.Tensor(0).Div_(a.Tensor(1)));
        InPlace("add_scalar_", a => a.Tensor(0).Add_(a.Double(1)));
        InPlace("sub_scalar_", a => a.Tensor(0).Sub_(a.Double(1)));
        InPlace("mul_scalar_", a => a.Tensor(0).Mul_(a.Double(1)));
        InPlace("div_scalar_", a => a.Tensor(0).Div_(a.Double(1)));
        InPlace("pow_scalar_", a => a.Tensor(0).Pow_(a.Double(1)));
        InPlace("clamp_", a => a.Tensor(0).Clamp_(a.OptionalDouble(1), a.OptionalDouble(2)));
        InPlace("zero_", a => a.Tensor(0).Zero_());
        InPlace("add_out", a => Tensor.Add(a.Tensor(0), a.Tensor(1), a.Tensor(2)));
        InPlace("sub_out", a => Tensor.Sub(a.Tensor(0), a.Tensor(1), a.Tensor(2)));
        InPlace("mul_out", a => Tensor.Mul(a.Tensor(0), a.Tensor(1), a.Tensor(2)));
        InPlace("div_out", a => Tensor.Div(a.Tensor(0), a.Tensor(1), a.Tensor(2)));
        InPlace("fill_", a => a.Tensor(0).Fill_(a.Double(1)));
        InPlace("copy_", a => a.Tensor(0).Copy_(a.Tensor(1)));
    }

    static void Unary(string name, Func<Tensor, Tensor> f) => Add(name, a => T(f(a.Tensor(0))));

    static void Binary(string name, Func<Tensor, Tensor, Tensor> f) => Add(name, a => T(f(a.Tensor(0), a.Tensor(1))));

    /// <summary>
    /// Registers <paramref name="name"/> for an integral scalar and <c>name_f</c> for a Python float, which
    /// turns an integer tensor into a float one first, as torch's type promotion does (int64 tensor * 2.0 is float32).
    /// </summary>
    static void WithScalar(string name, Func<Tensor, double, Tensor> f)
    {
        Add(name, a => T(f(a.Tensor(0), a.Double(1))));
        Add(name + "_f", a =>
        {
            var t = a.Tensor(0);
            // A bool tensor minus a float is refused by torch: the refusal must see the bool, not its float copy.
            if (t.DType == DType.Bool && name is "sub_scalar" or "rsub_scalar") return T(f(t, a.Double(1)));
            return T(f(t.DType.IsFloatingPoint() ? t : t.To(Torch.DefaultDType), a.Double(1)));
        });
    }

    static void InPlace(string name, Func<Args, Tensor> f) => Add(name, a => { f(a); return Value.None; });

    /// <summary>tensor.item(): a float, int or bool as the dtype says.</summary>
    static Value Item(Tensor t) => t.DType switch
    {
        DType.Int64 => Value.Int(t.Item<long>()),
        DType.Int32 or DType.Int16 or DType.Int8 or DType.UInt8 => Value.Int((long)t.Item()),
        DType.Bool => Value.Bool(t.Item() != 0),
        _ => Value.Float(t.Item()),
    };
}
