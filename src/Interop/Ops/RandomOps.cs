using Bridge.Random;

namespace Bridge.Interop;

// Generator objects (torch.Generator) and the samplers of Torch.Sampling.cs. Every random op takes an optional
// trailing generator; None means the default one.
static partial class OpTable
{
    static void RegisterRandom()
    {
        Add("generator_new", a => Value.Object(new Generator()));
        Add("generator_default", a => Value.Object(Generator.Default));
        Add("generator_manual_seed", a => { a.Object<Generator>(0).ManualSeed(unchecked((ulong)a.Long(1))); return Value.None; });
        Add("generator_initial_seed", a => Value.Int(unchecked((long)a.Object<Generator>(0).InitialSeed)));
        Add("generator_get_state", a => Results.Bytes(a.Object<Generator>(0).GetState()));
        Add("generator_set_state", a => { a.Object<Generator>(0).SetState(a.Bytes(1)); return Value.None; });
        Add("generator_same", a => Value.Bool(ReferenceEquals(a.Object<Generator>(0), a.Object<Generator>(1))));

        Add("multinomial", a => T(Torch.Multinomial(a.Tensor(0), a.Int(1), a.Bool(2), Gen(a, 3))));
        Add("normal_tensors", a => T(Torch.Normal(a.Tensor(0), a.Tensor(1), Gen(a, 2))));
        Add("normal_tensor_mean", a => T(Torch.Normal(a.Tensor(0), a.Double(1), Gen(a, 2))));
        Add("normal_tensor_std", a => T(Torch.Normal(a.Double(0), a.Tensor(1), Gen(a, 2))));
        Add("normal_size", a => T(Torch.Normal(a.Double(0), a.Double(1), a.Ints(2), a.OptionalDType(3), Gen(a, 4))));
        Add("exponential_", a => { a.Tensor(0).Exponential_(a.Double(1), Gen(a, 2)); return Value.None; });
        Add("bernoulli", a => T(Torch.Bernoulli(a.Tensor(0), Gen(a, 1))));
        Add("random_", a =>
        {
            var t = a.Tensor(0);
            if (a.IsNone(1) && a.IsNone(2)) t.Random_(Gen(a, 3));
            else t.Random_(a.IsNone(1) ? 0 : a.Long(1), a.IsNone(2) ? null : a.Long(2), Gen(a, 3));
            return Value.None;
        });
        Add("randint_like", a => T(Torch.RandintLike(a.Tensor(0), a.Long(1), a.Long(2), a.OptionalDType(3), Gen(a, 4))));
        Add("logspace", a => T(Torch.Logspace(a.Double(0), a.Double(1), a.Int(2), a.Double(3), a.OptionalDType(4))));
    }

    /// <summary>The optional generator argument at <paramref name="i"/> (None: the default generator).</summary>
    static Generator? Gen(Args a, int i) => a.IsNone(i) ? null : a.Object<Generator>(i);
}
