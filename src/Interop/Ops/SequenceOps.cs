using Bridge.Nn;

namespace Bridge.Interop;

// Sequence-model layers (embedding, layer_norm, gelu, recurrent nets, attention): numerics and default
// initialisation live in the engine; Python's modules hold the parameters and call these.
static partial class OpTable
{
    static void RegisterSequence()
    {
        Add("embedding_init", a =>
        {
            var e = new Embedding(a.Int(0), a.Int(1), a.OptionalInt(2), dtype: a.DType(3));
            return T(e.Weight);
        });
        Add("embedding", a => T(Functional.Embedding(a.Tensor(0), a.Tensor(1), a.OptionalInt(2), a.OptionalDouble(3), a.Double(4), a.Bool(5))));
        Add("layer_norm", a => T(Functional.LayerNorm(a.Tensor(0), a.Ints(1), a.OptionalTensor(2), a.OptionalTensor(3), a.Double(4))));
        Add("gelu", a => T(Functional.Gelu(a.Tensor(0), a.IsNone(1) ? "none" : a.String(1))));

        Add("rnn_init", a =>
        {
            RNNBase m = RnnModeOf(a.String(0)) switch
            {
                RnnMode.Lstm => new LSTM(a.Int(1), a.Int(2), a.Int(3), a.Bool(4), bidirectional: a.Bool(5), dtype: a.DType(6), projSize: a.IsNone(7) ? 0 : a.Int(7)),
                RnnMode.Gru => new GRU(a.Int(1), a.Int(2), a.Int(3), a.Bool(4), bidirectional: a.Bool(5), dtype: a.DType(6)),
                var mode => new RNN(a.Int(1), a.Int(2), a.Int(3), mode == RnnMode.RnnRelu ? "relu" : "tanh", a.Bool(4), bidirectional: a.Bool(5), dtype: a.DType(6)),
            };
            return Results.Tensors([.. m.FlatWeights]);
        });
        Add("rnn_cell_init", a =>
        {
            RNNCellBase m = a.Int(0) switch
            {
                4 => new LSTMCell(a.Int(1), a.Int(2), a.Bool(3), a.DType(4)),
                3 => new GRUCell(a.Int(1), a.Int(2), a.Bool(3), a.DType(4)),
                _ => new RNNCell(a.Int(1), a.Int(2), a.Bool(3), dtype: a.DType(4)),
            };
            return Results.Tensors(m.WeightIh, m.WeightHh, m.BiasIh, m.BiasHh);
        });
        Add("rnn", a =>
        {
            var (output, h, c) = Functional.Rnn(RnnModeOf(a.String(0)), a.Tensor(1), a.OptionalTensor(2), a.OptionalTensor(3), a.Tensors(4),
                a.Bool(5), a.Int(6), a.Double(7), a.Bool(8), a.Bool(9), a.Bool(10));
            return Results.Tensors(output, h, c);
        });
        Add("rnn_packed", a =>
        {
            var input = new PackedSequence(a.Tensor(1), a.Ints(2), a.OptionalTensor(3), a.OptionalTensor(4));
            var (output, h, c) = Functional.Rnn(RnnModeOf(a.String(0)), input, a.OptionalTensor(5), a.OptionalTensor(6), a.Tensors(7),
                a.Bool(8), a.Int(9), a.Double(10), a.Bool(11), a.Bool(12));
            return Results.Tensors(output.Data, h, c);
        });
        Add("lstm_cell", a =>
        {
            var (h, c) = Functional.LstmCell(a.Tensor(0), a.OptionalTensor(1), a.OptionalTensor(2), a.Tensor(3), a.Tensor(4), a.OptionalTensor(5), a.OptionalTensor(6));
            return Results.Tensors(h, c);
        });
        Add("gru_cell", a => T(Functional.GruCell(a.Tensor(0), a.OptionalTensor(1), a.Tensor(2), a.Tensor(3), a.OptionalTensor(4), a.OptionalTensor(5))));
        Add("rnn_cell", a => T(Functional.RnnCell(a.Tensor(0), a.OptionalTensor(1), a.Tensor(2), a.Tensor(3), a.OptionalTensor(4), a.OptionalTensor(5), a.String(6))));
        Add("pack_padded_sequence", a =>
        {
            var p = RnnUtils.PackPaddedSequence(a.Tensor(0), a.Longs(1).ToArray(), a.Bool(2), a.Bool(3));
            return Results.Tensors(p.Data, Torch.Tensor(p.BatchSizes.Select(s => (long)s).ToArray()), p.SortedIndices, p.UnsortedIndices);
        });
        Add("pad_packed_sequence", a =>
        {
            var p = new PackedSequence(a.Tensor(0), a.Ints(1), a.OptionalTensor(2), a.OptionalTensor(3));
            var (padded, lengths) = RnnUtils.PadPackedSequence(p, a.Bool(4), a.Double(5), a.OptionalInt(6));
            return Results.Tensors(padded, lengths);
        });

        Add("scaled_dot_product_attention", a => T(Functional.ScaledDotProductAttention(a.Tensor(0), a.Tensor(1), a.Tensor(2), a.OptionalTensor(3), a.Double(4), a.Bool(5), a.OptionalDouble(6))));
        Add("multi_head_attention_forward", a =>
        {
            var (output, weights) = Functional.MultiHeadAttentionForward(a.Tensor(0), a.Tensor(1), a.Tensor(2), a.Int(3), a.Int(4), a.OptionalTensor(5),
                a.OptionalTensor(6), a.Double(7), a.Tensor(8), a.OptionalTensor(9), a.Bool(10), a.OptionalTensor(11), a.Bool(12), a.OptionalTensor(13),
                a.OptionalTensor(14), a.OptionalTensor(15), a.OptionalTensor(16), a.Bool(17));
            return Results.Tensors(output, weights);
        });
        Add("sequence_xavier_uniform_", a => { Init.XavierUniform_(a.Tensor(0), a.Double(1)); return Value.None; });
    }

    static RnnMode RnnModeOf(string mode) => mode switch
    {
        "LSTM" => RnnMode.Lstm,
        "GRU" => RnnMode.Gru,
        "RNN_TANH" => RnnMode.RnnTanh,
        "RNN_RELU" => RnnMode.RnnRelu,
        _ => throw new ArgumentException($"Unknown mode '{mode}'"),
    };
}
