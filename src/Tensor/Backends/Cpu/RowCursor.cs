namespace Bridge.Backends.Cpu;

/// <summary>
/// Walks the rows (all dims but the last) of an iteration shape for up to three strided operands,
/// keeping each operand's element offset of the current row. Kernels run the innermost dim themselves,
/// so the per-element cost stays a multiply-add of strides.
/// </summary>
internal struct RowCursor
{
    readonly int[] _shape;
    readonly int[] _index;
    readonly int[] _s0, _s1, _s2;
    public int Offset0, Offset1, Offset2;

    /// <summary>Length of one row (the last dim; 1 for a 0-d shape).</summary>
    public readonly int RowLength;
    public readonly int Step0, Step1, Step2;
    /// <summary>Number of rows.</summary>
    public readonly int Rows;

    public RowCursor(int[] shape, int[] strides0, int offset0, int[]? strides1 = null, int offset1 = 0, int[]? strides2 = null, int offset2 = 0)
    {
        _shape = shape;
        _index = new int[shape.Length];
        _s0 = strides0;
        _s1 = strides1 ?? strides0;
        _s2 = strides2 ?? strides0;
        Offset0 = offset0;
        Offset1 = offset1;
        Offset2 = offset2;
        int last = shape.Length - 1;
        RowLength = last < 0 ? 1 : shape[last];
        Step0 = last < 0 ? 0 : _s0[last];
        Step1 = last < 0 ? 0 : _s1[last];
        Step2 = last < 0 ? 0 : _s2[last];
        int rows = 1;
        for (int d = 0; d < last; d++) rows *= shape[d];
        Rows = RowLength == 0 ? 0 : rows;
    }

    /// <summary>Advances to the next row (odometer over dims 0..rank-2).</summary>
    public void Next()
    {
        for (int d = _shape.Length - 2; d >= 0; d--)
        {
            if (++_index[d] < _shape[d])
            {
                Offset0 += _s0[d];
                Offset1 += _s1[d];
                Offset2 += _s2[d];
                return;
            }
            int back = _index[d] - 1;
            _index[d] = 0;
            Offset0 -= back * _s0[d];
            Offset1 -= back * _s1[d];
            Offset2 -= back * _s2[d];
        }
    }
}
