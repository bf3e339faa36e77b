namespace Bridge.Interop;

// torch.promote_types and torch.result_type over dtype ids, so the Python package asks the engine's one rule.
static partial class OpTable
{
    static void RegisterDTypes()
    {
        Add("floor_divide", a => Value.Of(Tensor.FloorDivide(a.Tensor(0), a.Tensor(1))));
        Add("promote_types", a => Value.Int((int)DTypes.PromoteTypes(a.DType(0), a.DType(1))));
        // Pairs of (dtype id, kind): kind 0 a dimensioned tensor, 1 a 0-d tensor, 2 a Python scalar.
        Add("result_type", a =>
        {
            var operands = new (DType, OperandKind)[a.Count / 2];
            for (int i = 0; i < operands.Length; i++)
            {
                int kind = a.Int(2 * i + 1);
                if (kind is < 0 or > 2) throw new ArgumentException($"result_type(): operand kind {kind} is not 0, 1 or 2");
                operands[i] = (a.DType(2 * i), (OperandKind)kind);
            }
            return Value.Int((int)DTypes.ResultType(operands));
        });
    }
}
