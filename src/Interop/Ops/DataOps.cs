using Bridge.Data;
using Bridge.Random;

namespace Bridge.Interop;

// torch.Generator objects and the draws torch.utils.data's samplers make with them (randperm, randint, the
// int64 random_() seed draw, multinomial). A None generator is the process's default one.
static partial class OpTable
{
    static void RegisterData()
    {
        // torch.empty((), dtype=torch.int64).random_(): a 64-bit draw reduced to [0, 2^63)
        Add("generator_random_int64", a => Value.Int((long)((Gen(a, 0) ?? Generator.Default).NextUInt64() % (1UL << 63))));
        Add("generator_randperm", a => Value.Of(Torch.Tensor((Gen(a, 0) ?? Generator.Default).Randperm(a.Long(1)), DType.Int64)));
        Add("generator_randint", a =>
        {
            var t = Torch.Zeros(a.Ints(3), DType.Int64);
            (Gen(a, 0) ?? Generator.Default).FillRandint(t.ContiguousSpan<long>(), a.Long(1), a.Long(2));
            return Value.Of(t);
        });
        Add("generator_multinomial", a => Value.Of(Torch.Multinomial(a.Tensor(1), a.Int(2), a.Bool(3), Gen(a, 0))));
    }

}
